#include "packer/item_scan.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/fsutil.hpp"
#include "packer/interrupt.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"

namespace burrow::pack {

namespace {

struct Walker {
    const RefIndex* index;
    Progress* progress;
    ScannedItem& item;
    const std::vector<std::string>* host_inside;
    std::string buf = std::string(1 << 20, '\0');

    void note_host(const HostRefScanner& hs, const std::string& rel) {
        for (const auto& p : hs.found()) item.host_refs.emplace(p, rel.empty() ? "." : rel);
    }

    void note_missing(RefScanner& sc, const std::string& rel) {
        for (const auto& [hash, text] : sc.absent())
            if (!item.missing.count(hash)) item.missing[hash] = MissingRef{text, rel.empty() ? "." : rel};
    }

    void file(const std::string& host, const std::string& rel, const struct stat& st) {
        Fd fd(::open(host.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) throw_sys("cannot read", host, errno);
        Sha256 h;
        std::uint64_t total = 0;
        std::optional<RefScanner> sc;
        if (index) sc.emplace(*index);
        std::optional<HostRefScanner> hs;
        if (host_inside) hs.emplace(*host_inside);
        for (;;) {
            check_interrupted();
            const std::size_t n = read_some(fd.get(), buf.data(), buf.size(), host);
            if (n == 0) break;
            h.update(buf.data(), n);
            if (sc) sc->feed(std::string_view(buf.data(), n));
            if (hs) hs->feed(std::string_view(buf.data(), n));
            total += n;
            if (progress) progress->bytes(n);
        }
        if (total != static_cast<std::uint64_t>(st.st_size))
            throw Error(host + " changed size while it was read; pack again when the store is not being written", 1);
        TreeRecord r;
        r.path = rel;
        r.type = (st.st_mode & S_IXUSR) ? TreeRecord::Type::exec : TreeRecord::Type::file;
        r.payload = h.hex_digest();
        r.size = total;
        item.records.push_back(std::move(r));
        if (sc) {
            sc->end_of_file();
            item.references.insert(sc->found().begin(), sc->found().end());
            note_missing(*sc, rel);
        }
        if (hs) {
            hs->end_of_file();
            note_host(*hs, rel);
        }
    }

    void symlink(const std::string& host, const std::string& rel, const struct stat& st) {
        std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
        const ssize_t n = ::readlink(host.c_str(), target.data(), target.size());
        if (n < 0) throw_sys("cannot read the symlink", host, errno);
        target.resize(static_cast<std::size_t>(n));
        if (index) {
            RefScanner sc(*index);
            sc.feed(target);
            sc.end_of_file();
            item.references.insert(sc.found().begin(), sc.found().end());
            note_missing(sc, rel);
        }
        if (host_inside) {
            HostRefScanner hs(*host_inside);
            hs.feed(target);
            hs.end_of_file();
            note_host(hs, rel);
        }
        item.records.push_back(TreeRecord{rel, TreeRecord::Type::symlink, std::move(target), 0});
    }

    void dir(const std::string& host, const std::string& rel) {
        item.records.push_back(TreeRecord{rel, TreeRecord::Type::dir, {}, 0});
        DIR* d = ::opendir(host.c_str());
        if (d == nullptr) throw_sys("cannot read the directory", host, errno);
        for (const auto& n : sorted_names(d, "cannot read the directory", host))
            any(join_path(host, n), rel.empty() ? n : rel + "/" + n);
    }

    void any(const std::string& host, const std::string& rel) {
        check_interrupted();
        struct stat st;
        if (::lstat(host.c_str(), &st) != 0) throw_sys("cannot read", host, errno);
        if (S_ISDIR(st.st_mode))
            dir(host, rel);
        else if (S_ISREG(st.st_mode))
            file(host, rel, st);
        else if (S_ISLNK(st.st_mode))
            symlink(host, rel, st);
        else
            throw Error(host + ": cannot pack a " +
                            (S_ISFIFO(st.st_mode)   ? std::string("fifo")
                             : S_ISSOCK(st.st_mode) ? "socket"
                                                    : "device node") +
                            "; store items hold only directories, files and symlinks",
                        1);
    }
};

}  // namespace

ScannedItem scan_item(const std::string& name, const std::string& host_path, const RefIndex* index, Progress* progress,
                      const std::vector<std::string>* host_inside) {
    ScannedItem item;
    item.name = name;
    item.host_path = host_path;
    Walker w{index, progress, item, host_inside};
    w.any(host_path, "");
    item.digest = digest_records(item.records);
    item.references.erase(name);
    return item;
}

std::map<std::string, ScannedItem> closure(const std::set<std::string>& roots,
                                           const std::function<ScannedItem(const std::string&)>& scan, bool follow) {
    std::map<std::string, ScannedItem> out;
    std::deque<std::string> queue(roots.begin(), roots.end());
    while (!queue.empty()) {
        const std::string name = queue.front();
        queue.pop_front();
        if (out.count(name)) continue;
        ScannedItem item = scan(name);
        if (follow)
            for (const auto& r : item.references)
                if (!out.count(r)) queue.push_back(r);
        out.emplace(name, std::move(item));
    }
    return out;
}

}  // namespace burrow::pack
