#include "runstub/run_choice.hpp"

#include <algorithm>

namespace burrow::runstub {

namespace {
bool absolute(const char* p) { return p && p[0] == '/'; }

std::string base_name(const std::string& p) {
    const auto slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string list(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
}
}  // namespace

std::vector<CacheBase> cache_bases(const char* xdg_cache_home, const char* home, const char* tmpdir, unsigned uid) {
    std::vector<CacheBase> out;
    auto parent = [](const std::string& p) {
        const auto slash = p.rfind('/');
        return slash == 0 || slash == std::string::npos ? std::string("/") : p.substr(0, slash);
    };
    if (absolute(xdg_cache_home)) {
        std::string x = xdg_cache_home;
        while (x.size() > 1 && x.back() == '/') x.pop_back();
        out.push_back({parent(x), x + "/burrow"});
    }
    if (absolute(home) && std::string(home) != "/") out.push_back({home, std::string(home) + "/.cache/burrow"});
    const std::string t = absolute(tmpdir) ? tmpdir : "/tmp";
    out.push_back({t, t + "/burrow-cache-" + std::to_string(uid)});
    return out;
}

std::string cache_name(const std::string& sha256_raw) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < sha256_raw.size() && out.size() < 32; ++i) {
        const auto b = static_cast<unsigned char>(sha256_raw[i]);
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::vector<Choice> candidates(const std::string& argv0, const std::optional<std::string>& arg1) {
    auto entry_like = [](const std::string& n) {
        return !n.empty() && n[0] != '.' && n.find('/') == std::string::npos;
    };
    std::string invoked = base_name(argv0);
    const std::string suffix = ".run";
    const bool run_name =
        invoked.size() > suffix.size() && invoked.compare(invoked.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (run_name) invoked.resize(invoked.size() - suffix.size());
    std::vector<Choice> out;
    const bool arg_ok = arg1 && entry_like(*arg1);
    if (run_name && arg_ok) out.push_back({*arg1, true, {}});
    if (entry_like(invoked)) out.push_back({invoked, false, {}});
    if (!run_name && arg_ok) out.push_back({*arg1, true, {}});
    return out;
}

Choice choose_entry(const std::vector<std::string>& entries, const std::string& argv0,
                    const std::optional<std::string>& arg1) {
    auto is_entry = [&](const std::string& n) { return std::find(entries.begin(), entries.end(), n) != entries.end(); };
    for (const Choice& c : candidates(argv0, arg1))
        if (is_entry(c.entry)) return c;
    if (entries.size() == 1) return {entries[0], false, {}};
    return {{},
            false,
            "which entry? name it first (" + base_name(argv0) +
                " NAME ARGS...), or run this file through a symlink named after it (entries: " + list(entries) + ")"};
}

std::string safe_member(std::string name) {
    while (name.rfind("./", 0) == 0) name.erase(0, 2);
    while (!name.empty() && name.back() == '/') name.pop_back();
    if (name.empty() || name[0] == '/') return {};
    std::size_t start = 0;
    for (;;) {
        const auto slash = name.find('/', start);
        const std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part.empty() || part == "." || part == "..") return {};
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return name;
}

}  // namespace burrow::runstub
