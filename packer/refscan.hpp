// Reference scanning: which store items does a byte stream mention? (As Nix and Guix do
// it: an item is referenced when its 32-character hash appears anywhere in a file or a
// symlink target; items whose names have no hash part are looked for as "DEST/NAME".)
// References of the form "DEST/<hash>-…" to items that are not in the store are
// collected too, so the packer can name them. Pure.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace burrow::pack {

// The patterns for one store, built once from the names of all items present in it.
// `unstored`: more store destinations with no items here (without --store, where a slice's
// references to /gnu/store or /nix/store are all missing); only absent() reports them.
class RefIndex {
  public:
    RefIndex(const std::vector<std::string>& present, std::string destination,
             const std::vector<std::string>& unstored = {});

    const std::string* by_hash(std::string_view hash) const;
    const std::vector<std::pair<std::string, std::string>>& plain() const { return plain_; }
    const std::string& prefix() const { return prefix_; }  // DEST + "/"
    // DEST + "/", then each unstored destination + "/": where absent items are looked for.
    const std::vector<std::string>& absent_prefixes() const { return absent_prefixes_; }
    std::size_t overlap() const { return overlap_; }

  private:
    // Looked up by string_view at every candidate position: no string is made for it.
    struct ViewHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
    };
    std::unordered_map<std::string, std::string, ViewHash, std::equal_to<>> by_hash_;
    std::vector<std::pair<std::string, std::string>> plain_;  // pattern, item name
    std::string prefix_;
    std::vector<std::string> absent_prefixes_;
    std::size_t overlap_ = 0;
};

class RefScanner {
  public:
    explicit RefScanner(const RefIndex& index) : index_(index) {}

    // Feed one file's contents in chunks of any size, then call end_of_file().
    void feed(std::string_view chunk);
    void end_of_file();

    const std::set<std::string>& found() const { return found_; }
    // Hash of a missing item → the longest "DEST/<hash>-name" text seen for it.
    const std::map<std::string, std::string>& absent() const { return absent_; }

  private:
    void scan(bool final);
    void scan_absent(const std::string& prefix, bool final);

    const RefIndex& index_;
    std::string buf_;
    std::set<std::string> found_;
    std::map<std::string, std::string> absent_;
};

}  // namespace burrow::pack
