#include "launcher/pack_entry.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <set>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/base/path.hpp"
#include "runtime/base/path_search.hpp"
#include "runtime/base/fileio.hpp"
#include "runtime/base/pack_layout.hpp"

#include "runtime/base/error.hpp"

namespace burrow {

namespace {

bool is_entry_name(const std::string& n) { return !n.empty() && n[0] != '.' && n.find('/') == std::string::npos; }

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// A command name as the kernel would have found it: a path as is, or the first
// executable regular file named so in $PATH.
std::optional<std::string> locate(const std::string& cmd, const char* path_env) {
    if (cmd.find('/') != std::string::npos) return cmd;
    return search_path_dirs(
        path_env ? path_env : "/bin:/usr/bin", cmd, EmptyPathEntry::current_dir, [](const std::string& full) {
            struct stat st;
            return ::access(full.c_str(), X_OK) == 0 && ::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode);
        });
}

// Follows `start` link by link; the base name of the last link whose directory is bin/.
std::optional<std::string> name_in_chain(const std::string& start, const struct stat& bin) {
    std::optional<std::string> found;
    std::string cur = start;
    for (int hops = 0; hops < 40; ++hops) {
        const std::string parent = dirname_of(cur);
        struct stat st;
        if (::stat(parent.c_str(), &st) == 0 && same_file(st, bin) && is_entry_name(basename_of(cur)))
            found = basename_of(cur);
        if (::lstat(cur.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
        std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : PATH_MAX) + 1, '\0');
        const ssize_t n = ::readlink(cur.c_str(), target.data(), target.size());
        if (n <= 0) break;
        target.resize(static_cast<std::size_t>(n));
        cur = target[0] == '/' ? target : parent + "/" + target;
    }
    return found;
}

// The names in the manifest's "entries". Its keys are sorted, so "entries" comes before
// the (possibly long) "items": the SAX parse stops there, and a launch does not pay for
// the size of the closure.
class EntriesReader : public nlohmann::json_sax<nlohmann::json> {
  public:
    explicit EntriesReader(std::vector<std::string>& out) : out_(out) {}
    bool done = false;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool string(string_t& v) override {
        if (in_entries() && depth_ == 3 && key_ == "name") out_.push_back(v);
        return true;
    }
    bool start_object(std::size_t) override {
        ++depth_;
        return true;
    }
    bool end_object() override {
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        return true;
    }
    bool end_array() override {
        if (depth_ == 2 && top_ == "entries") {
            done = true;
            return false;
        }
        --depth_;
        return true;
    }
    bool key(string_t& k) override {
        if (depth_ == 1) top_ = k;
        key_ = k;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

  private:
    bool in_entries() const { return top_ == "entries"; }
    std::vector<std::string>& out_;
    std::string top_, key_;
    int depth_ = 0;
};

bool read_entries(const std::string& path, std::vector<std::string>& out) {
    // The parse stops right after "entries" (sorted keys put it before the long item list).
    auto text = read_file(path, std::size_t{64} << 20);
    if (!text) return false;
    EntriesReader r(out);
    const bool complete = nlohmann::json::sax_parse(*text, &r);
    return complete || r.done;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
}

}  // namespace

std::optional<PackEntry> detect_pack_entry_from(const std::string& exe, const char* execfn, const char* argv0,
                                                const char* path_env) {
    // The runtime is <root>/.burrow/burrow, reached through the bin/NAME symlinks; or
    // bin/NAME is a copy of it, when something dereferenced the links on the way (then
    // the copy's own name is the entry).
    const std::string exe_dir = dirname_of(exe);
    const bool copy = basename_of(exe_dir) == kBinDir;
    if (!copy && basename_of(exe_dir) != kPackDir) return std::nullopt;
    const std::string root = dirname_of(exe_dir);
    const std::string profiles = root + "/" + kProfilesDir + "/";
    const std::string manifest_path = root + "/" + kManifestPath;
    struct stat st;
    if (::stat(manifest_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;

    // The entries the manifest lists.
    std::vector<std::string> entries;
    if (!read_entries(manifest_path, entries))
        throw Error("the pack at " + root + " has a damaged manifest (" + manifest_path +
                    "); unpack it again, or check it with: burrow-pack verify " + root);
    const std::set<std::string> listed(entries.begin(), entries.end());
    const std::string invoked = argv0 && *argv0 ? argv0 : "(no argv[0])";

    std::optional<std::string> name;
    if (copy) name = basename_of(exe);
    struct stat bin;
    if (!name && ::stat((root + "/" + kBinDir).c_str(), &bin) == 0) {
        for (const char* cand : {execfn, argv0}) {
            if (cand == nullptr || *cand == '\0') continue;
            const auto path = locate(cand, path_env);
            if (!path) continue;
            if ((name = name_in_chain(*path, bin))) break;
        }
    }
    if (!name && argv0 && *argv0) {
        const std::string b = basename_of(argv0);
        if (is_entry_name(b) && ::stat((profiles + b + kProfileSuffix).c_str(), &st) == 0) name = b;
    }
    if (!name)
        throw Error("cannot tell which entry of the pack at " + root + " to run: invoked as " + invoked + "; run " +
                    root + "/" + kBinDir + "/NAME (entries: " + join(entries) + ")");
    if (!listed.count(*name))
        throw Error("the pack at " + root + " has no entry '" + *name + "' (invoked as " + invoked +
                    "; entries: " + join(entries) + ")");
    PackEntry e{root, *name, profiles + *name + kProfileSuffix};
    if (::stat(e.profile.c_str(), &st) != 0)
        throw Error("the pack at " + root + " lacks the profile of entry '" + *name + "' (" + e.profile +
                    "); check it with: burrow-pack verify " + root);
    return e;
}

const std::optional<std::string>& self_exe() {
    static const std::optional<std::string> exe = []() -> std::optional<std::string> {
        char buf[PATH_MAX];
        ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
        if (n <= 0 || n == static_cast<ssize_t>(sizeof buf) || buf[0] != '/') return std::nullopt;
        std::string path(buf, static_cast<size_t>(n));
        const std::string deleted = " (deleted)";
        if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0) {
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0) return std::nullopt;  // not a name with that suffix
        }
        return path;
    }();
    return exe;
}

std::optional<PackEntry> detect_pack_entry(const char* argv0) {
    const auto& exe = self_exe();
    if (!exe) return std::nullopt;
    const std::string& self = *exe;
    const char* execfn = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
    return detect_pack_entry_from(self, execfn, argv0, ::getenv("PATH"));
}

}  // namespace burrow
