#include "runtime/launch/inroot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>
#include <vector>

#include "runtime/base/error.hpp"

namespace burrow {

std::string errno_text(int err);

namespace {

constexpr int kMaxLinks = 40;  // as the kernel's own lookup (ELOOP)

void split_into(std::deque<std::string>& todo, const std::string& path) {
    std::deque<std::string> parts;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        if (j > i) parts.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    todo.insert(todo.begin(), parts.begin(), parts.end());
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += "/" + n;
    return out.empty() ? "/" : out;
}

Fd open_path(int dir, const std::string& name) {
    return Fd(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
}

}  // namespace

void make_entry(int dir, const std::string& name, Make what, unsigned mode, const std::string& shown) {
    if (what == Make::file) {
        Fd made(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0444));
        if (!made && errno != EEXIST) throw Error("cannot create " + shown + " in the new root: " + errno_text(errno));
    } else if (what == Make::dir && ::mkdirat(dir, name.c_str(), mode) != 0 && errno != EEXIST) {
        throw Error("cannot create directory " + shown + " in the new root: " + errno_text(errno));
    }
}

std::string read_link_fd(int fd) {
    char buf[PATH_MAX];
    ssize_t n = ::readlinkat(fd, "", buf, sizeof buf);
    if (n < 0) throw Error("cannot read a symlink: " + errno_text(errno));
    if (static_cast<size_t>(n) >= sizeof buf) throw Error("a symlink's target is longer than PATH_MAX");
    return std::string(buf, static_cast<size_t>(n));
}

InRoot open_in_root(int root, const std::string& path, Make make, bool follow_last,
                    const std::function<void(int, const std::string&)>& may_create, unsigned dir_mode) {
    // stack[i] is the directory reached after names[0..i); stack[0] the root.
    std::vector<Fd> stack;
    std::vector<std::string> names;
    stack.emplace_back(::fcntl(root, F_DUPFD_CLOEXEC, 0));
    if (!stack.back()) throw Error("dup: " + errno_text(errno));
    std::deque<std::string> todo;
    split_into(todo, path);
    int links = 0, creates = 0;
    while (!todo.empty()) {
        std::string c = std::move(todo.front());
        todo.pop_front();
        if (c == ".") continue;
        if (c == "..") {
            if (stack.size() > 1) stack.pop_back(), names.pop_back();
            continue;
        }
        bool last = todo.empty();
        int dir = stack.back().get();
        Fd fd = open_path(dir, c);
        if (!fd) {
            int err = errno;
            std::string here = joined(names);
            if (err != ENOENT) throw Error(path + ": cannot look up " + c + " in " + here + ": " + errno_text(err));
            if (make == Make::none) {
                if (!last) {  // a missing directory on the way: the entry is missing too
                    std::string rest = (names.empty() ? "/" : here + "/") + c;
                    for (const auto& r : todo) rest += "/" + r;
                    return InRoot{Fd(), c, rest, Fd()};
                }
                names.push_back(c);
                return InRoot{std::move(stack.back()), c, joined(names), Fd()};
            }
            if (++creates > 2 * kMaxLinks + 64)  // only if something keeps removing what we made
                throw Error(path + ": entries created in " + here + " keep disappearing");
            may_create(dir, here);
            make_entry(dir, c, last ? make : Make::dir, dir_mode, (names.empty() ? "/" : here + "/") + c);
            todo.push_front(c);  // open what was made (or raced in) like any other entry
            continue;
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) throw Error(path + ": fstat: " + errno_text(errno));
        if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
            if (++links > kMaxLinks) throw Error(path + ": too many levels of symbolic links");
            std::string target = read_link_fd(fd.get());
            if (target.empty()) throw Error(path + ": " + joined(names) + "/" + c + " is an empty symlink");
            if (target[0] == '/') stack.resize(1), names.clear();
            split_into(todo, target);
            continue;
        }
        names.push_back(c);
        if (last) return InRoot{std::move(stack.back()), c, joined(names), std::move(fd)};
        if (!S_ISDIR(st.st_mode)) throw Error(path + ": " + joined(names) + " is not a directory inside the sandbox");
        stack.push_back(std::move(fd));
    }
    // The path named the root (or a link to it): its fd is both the entry and the holder.
    Fd self(::fcntl(stack.back().get(), F_DUPFD_CLOEXEC, 0));
    if (!self) throw Error("dup: " + errno_text(errno));
    return InRoot{std::move(stack.back()), "", joined(names), std::move(self)};
}

}  // namespace burrow
