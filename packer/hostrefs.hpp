// --warn-host: which absolute paths of the host's own file system (/usr/lib/..., /etc/...)
// do an item's files and symlinks name? A pack carries its store, not the host's /usr, so
// each is a file the program may look for on a machine that lacks it. Pure: fed bytes,
// it lists the paths; the packer says which item and file named each.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace burrow::pack {

class HostRefScanner {
  public:
    // Paths below any of `inside` (the store's and the slices' destinations) are the
    // pack's own and are not listed.
    explicit HostRefScanner(std::vector<std::string> inside = {});

    // Feed one file's contents in chunks of any size, then call end_of_file().
    void feed(std::string_view chunk);
    void end_of_file();

    // The paths seen since the scanner was made, sorted.
    const std::set<std::string>& found() const { return found_; }

  private:
    void scan(bool final);

    std::vector<std::string> inside_;
    std::string buf_;
    std::set<std::string> found_;
};

// The host directories whose paths are listed: /usr, /etc, /lib, /lib64, /lib32, /bin,
// /sbin, /opt and /var, each with a '/' after it.
const std::vector<std::string_view>& host_prefixes();

}  // namespace burrow::pack
