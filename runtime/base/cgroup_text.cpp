#include "runtime/base/cgroup_text.hpp"

#include "runtime/base/lines.hpp"

#include <cmath>
#include <cstdio>

namespace burrow::cgroup {

namespace {

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        std::size_t j = line.find(' ', i);
        if (j == std::string_view::npos) j = line.size();
        if (j > i) out.push_back(line.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::string own_directory(std::string_view mountinfo, std::string_view proc_self_cgroup) {
    std::string path;
    bool found = false;
    for_each_line(proc_self_cgroup, LastEmptyLine::drop, [&](std::string_view l) {
        if (!found && l.substr(0, 3) == "0::") {
            path = std::string(l.substr(3));
            found = true;
        }
    });
    if (!found || path.empty() || path[0] != '/') return "";
    std::string dir;
    bool done = false;
    for_each_line(mountinfo, LastEmptyLine::drop, [&](std::string_view l) {
        if (done) return;
        std::vector<std::string_view> f = fields(l);
        std::size_t dash = 0;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (dash < 5 || dash + 1 >= f.size() || f[dash + 1] != "cgroup2") return;
        std::string root = unescape(f[3]), point = unescape(f[4]), rel = path;
        // A mount of a subtree (a cgroup namespace's view, a bind) holds only that subtree.
        if (root != "/") {
            if (rel.compare(0, root.size(), root) != 0 || (rel.size() > root.size() && rel[root.size()] != '/')) return;
            rel.erase(0, root.size());
        }
        dir = rel == "/" || rel.empty() ? point : (point == "/" ? "" : point) + rel;
        done = true;
    });
    return dir;
}

std::string cpu_max(double cpus) {
    long long quota = std::llround(cpus * 100000.0);
    if (quota < 1000) quota = 1000;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld 100000", quota);
    return buf;
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != '\n' && text[j] != '\t') ++j;
        if (j > i) out.emplace_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

std::vector<std::string> needed(bool memory, bool cpus, bool pids) {
    std::vector<std::string> out;
    if (memory) out.emplace_back("memory");
    if (cpus) out.emplace_back("cpu");
    if (pids) out.emplace_back("pids");
    return out;
}

bool on_v1(std::string_view proc_self_cgroup, const std::string& controller) {
    bool on = false;
    for_each_line(proc_self_cgroup, LastEmptyLine::drop, [&](std::string_view l) {
        std::size_t a = l.find(':'), b = a == std::string_view::npos ? a : l.find(':', a + 1);
        if (b == std::string_view::npos || b == a + 1) return;
        std::string_view list = l.substr(a + 1, b - a - 1);
        while (!list.empty()) {
            std::size_t c = list.find(',');
            if (list.substr(0, c) == controller) on = true;
            if (c == std::string_view::npos) break;
            list.remove_prefix(c + 1);
        }
    });
    return on;
}

}  // namespace burrow::cgroup
