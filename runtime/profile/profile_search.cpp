#include "runtime/profile/profile_search.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "runtime/base/path.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/fileio.hpp"
#include "runtime/profile/profile_load.hpp"

namespace burrow {

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_file(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string trim(std::string_view s) {
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string_view::npos) return {};
    const auto b = s.find_last_not_of(" \t\r");
    return std::string(s.substr(a, b - a + 1));
}

}  // namespace

std::vector<std::string> profile_dirs(const ProfileSearch& s) {
    std::vector<std::string> dirs;
    if (s.xdg_config_home && !s.xdg_config_home->empty() && (*s.xdg_config_home)[0] == '/')
        dirs.push_back(*s.xdg_config_home + "/burrow/profiles");
    else if (s.home && !s.home->empty() && (*s.home)[0] == '/')
        dirs.push_back(*s.home + "/.config/burrow/profiles");
    dirs.push_back("/etc/burrow/profiles");
    if (!s.exe_dir.empty()) {
        const std::string prefix = parent_of(s.exe_dir);
        const std::string share = (prefix == "/" ? std::string() : prefix) + "/share/burrow/profiles";
        if (std::find(dirs.begin(), dirs.end(), share) == dirs.end()) dirs.push_back(share);
    }
    return dirs;
}

bool is_profile_name(std::string_view ref) {
    return !ref.empty() && ref.find('/') == std::string_view::npos && ref.rfind("builtin:", 0) != 0;
}

std::vector<std::string> profile_candidates(std::string_view name, const ProfileSearch& s) {
    std::vector<std::string> out;
    const bool json_file = ends_with(name, ".json");
    if (json_file) out.push_back(s.cwd == "/" ? "/" + std::string(name) : s.cwd + "/" + std::string(name));
    const std::string file = json_file ? std::string(name) : std::string(name) + ".json";
    for (const auto& d : profile_dirs(s)) out.push_back(d + "/" + file);
    return out;
}

std::string find_profile(std::string_view name, const ProfileSearch& s) {
    const std::vector<std::string> c = profile_candidates(name, s);
    for (const auto& p : c)
        if (is_file(p)) return p;
    std::string looked;
    for (const auto& p : c) looked += (looked.empty() ? "" : ", ") + p;
    std::string hint;
    if (!ends_with(name, ".json") && is_file(s.cwd + "/" + std::string(name) + ".json"))
        hint = "; the current directory's " + std::string(name) + ".json is not used for a name: give --profile ./" +
               std::string(name) + ".json";
    throw Error("--profile " + std::string(name) + ": no profile of that name (looked for " + looked + ")" + hint +
                "; burrow --list-profiles shows the profiles there are");
}

std::string profile_description(std::string_view text, std::string_view name) {
    std::string block;
    std::size_t pos = 0;
    bool started = false;
    while (pos < text.size()) {
        const std::size_t nl = std::min(text.find('\n', pos), text.size());
        const std::string line = trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        if (!started && line.rfind("#!", 0) == 0) continue;
        if (line.rfind("//", 0) != 0) break;
        const std::string body = trim(std::string_view(line).substr(2));
        if (body.empty()) break;  // a blank comment line ends the paragraph
        block += (block.empty() ? "" : " ") + body;
        started = true;
        if (body.find(". ") != std::string::npos || body.back() == '.') break;
    }
    // "archiver — …", "builtin:pack — …", "name: …", "name - …"
    for (const std::string& prefix : {std::string(name), "builtin:" + std::string(name)})
        for (const char* sep : {" \xe2\x80\x94 ", " - ", ": "})
            if (block.rfind(prefix + sep, 0) == 0) {
                block.erase(0, prefix.size() + std::string_view(sep).size());
                break;
            }
    if (const auto dot = block.find(". "); dot != std::string::npos) block.resize(dot + 1);
    return block;
}

std::vector<ListedProfile> list_profiles(const ProfileSearch& s) {
    std::vector<ListedProfile> out;
    std::map<std::string, std::string> first;  // name → path
    for (const auto& d : profile_dirs(s)) {
        DIR* dir = ::opendir(d.c_str());
        if (!dir) continue;
        std::vector<std::string> names;
        while (const dirent* e = ::readdir(dir)) {
            const std::string n = e->d_name;
            if (n.size() > 5 && n[0] != '.' && ends_with(n, ".json")) names.push_back(n);
        }
        ::closedir(dir);
        std::sort(names.begin(), names.end());
        for (const auto& n : names) {
            ListedProfile p;
            p.path = d + "/" + n;
            if (!is_file(p.path)) continue;
            p.name = n.substr(0, n.size() - 5);
            if (auto text = read_file(p.path, 64 << 10)) p.description = profile_description(*text, p.name);
            auto [it, fresh] = first.emplace(p.name, p.path);
            if (!fresh) p.hidden_by = it->second;
            out.push_back(std::move(p));
        }
    }
    return out;
}

std::string list_profiles_text(const std::vector<ListedProfile>& list, const ProfileSearch& s) {
    std::size_t width = std::string("builtin:sandbox").size();
    for (const auto& p : list) width = std::max(width, p.name.size());
    auto row = [&](const std::string& name, const std::string& what) {
        return name + std::string(width + 2 - std::min(width, name.size()), ' ') + what + "\n";
    };
    std::string out;
    for (const char* b : {"pack", "sandbox"})
        if (const char* t = builtin_profile_text(b)) out += row(std::string("builtin:") + b, profile_description(t, b));
    for (const auto& p : list) {
        std::string what = p.description.empty() ? "(no description)" : p.description;
        what += "  [" + p.path + (p.hidden_by.empty() ? "" : ", hidden by " + p.hidden_by) + "]";
        out += row(p.name, what);
    }
    out += "Searched, in this order:";
    for (const auto& d : profile_dirs(s)) out += " " + d;
    out += "\n";
    return out;
}

}  // namespace burrow
