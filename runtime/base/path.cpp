#include "runtime/base/path.hpp"

#include <vector>

namespace burrow {

namespace {

// The non-empty components between slashes.
std::vector<std::string_view> components(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (j > i) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

std::string absolute_of(const std::vector<std::string_view>& parts) {
    if (parts.empty()) return "/";
    std::string out;
    for (auto c : parts) {
        out += '/';
        out += c;
    }
    return out;
}

}  // namespace

std::string dirname_of(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) return ".";
    if (slash == 0) return "/";
    return std::string(path.substr(0, slash));
}

std::string dirname_trimmed(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return dirname_of(path);
}

std::string parent_of(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return "/";
    return std::string(path.substr(0, slash));
}

std::string basename_of(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string join_path(const std::string& dir, const std::string& rel) {
    if (rel.empty()) return dir;
    if (dir.empty()) return rel;
    return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

std::string join_display(const std::string& dir, const std::string& rel) {
    if (!rel.empty() && rel[0] == '/') return normalise_display(rel);
    return normalise_display(dir + "/" + rel);
}

std::string normalise_absolute(std::string_view path) {
    std::vector<std::string_view> stack;
    for (auto c : components(path)) {
        if (c == ".") continue;
        if (c == "..") {
            if (!stack.empty()) stack.pop_back();
            continue;
        }
        stack.push_back(c);
    }
    return absolute_of(stack);
}

std::string normalise_display(std::string_view path) {
    if (!path.empty() && path[0] == '/') return normalise_absolute(path);
    std::vector<std::string_view> stack;
    for (auto c : components(path)) {
        if (c == ".") continue;
        if (c == ".." && !stack.empty() && stack.back() != "..") {
            stack.pop_back();
            continue;
        }
        stack.push_back(c);
    }
    if (stack.empty()) return ".";
    std::string out;
    for (auto c : stack) {
        if (!out.empty()) out += '/';
        out += c;
    }
    return out;
}

std::string normalise_absolute_strict(std::string_view path) {
    if (path.empty() || path.front() != '/') return {};
    std::vector<std::string_view> parts;
    for (auto c : components(path)) {
        if (c == ".") continue;
        if (c == "..") return {};
        parts.push_back(c);
    }
    return absolute_of(parts);
}

bool is_under(std::string_view path, std::string_view dir) {
    return path == dir ||
           (path.size() > dir.size() && path.substr(0, dir.size()) == dir && (dir == "/" || path[dir.size()] == '/'));
}

bool path_within(std::string_view inner, std::string_view outer) {
    if (outer == "/") return true;
    if (inner.substr(0, outer.size()) != outer) return false;
    return inner.size() == outer.size() || inner[outer.size()] == '/';
}

bool has_dir_prefix(std::string_view path, std::string_view dir) {
    return path == dir || (path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/');
}

bool is_below(std::string_view path, std::string_view dir) { return path != dir && is_under(path, dir); }

}  // namespace burrow
