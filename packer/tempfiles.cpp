#include "packer/tempfiles.hpp"

#include <cerrno>
#include <chrono>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace burrow::pack {

namespace {

constexpr std::size_t kSuffixChars = 6;
constexpr int kAttempts = 100;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

bool is_suffix_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string random_temp_name(std::string_view out_base, TempKind kind) {
    unsigned char bytes[kSuffixChars];
    if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
        // Not secret, only unlikely to collide (and collisions are retried).
        auto v = static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                 (static_cast<unsigned long long>(::getpid()) << 20);
        for (auto& b : bytes) {
            b = static_cast<unsigned char>(v);
            v = v * 6364136223846793005ULL + 1442695040888963407ULL;
        }
    }
    std::string name = temp_prefix(out_base, kind);
    for (const unsigned char b : bytes) name += kAlphabet[b % (sizeof kAlphabet - 1)];
    return name;
}

mode_t current_umask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

// Takes the lock without waiting. False: somebody else holds it (a run removing stale
// temporaries, which has found this one before we locked it). A file system without
// flock(2) counts as locked: the other side then cannot lock either and leaves it alone.
bool try_lock(int fd) {
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
        if (errno == EINTR) continue;
        return errno != EWOULDBLOCK;
    }
}

// Opens the directory `name` in dir_fd for removing what is in it, never through a
// symlink; one we own without read or search permission gets it first.
Fd open_dir_nofollow(int dir_fd, const std::string& name) {
    Fd d(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!d && errno == EACCES) {
        struct stat st;
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
            st.st_uid == ::geteuid() &&
            ::fchmodat(dir_fd, name.c_str(), (st.st_mode & 07777) | 0700, AT_SYMLINK_NOFOLLOW) == 0)
            d = Fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        else
            errno = EACCES;
    }
    return d;
}

// Removes everything in the open directory dfd. Returns 0 or the first errno.
int remove_contents(int dfd) {
    struct stat st;
    if (::fstat(dfd, &st) == 0 && st.st_uid == ::geteuid() && (st.st_mode & 0700) != 0700)
        ::fchmod(dfd, (st.st_mode & 07777) | 0700);
    const int dup_fd = ::fcntl(dfd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) return errno;
    DIR* d = ::fdopendir(dup_fd);
    if (d == nullptr) {
        const int err = errno;
        ::close(dup_fd);
        return err;
    }
    ::rewinddir(d);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    int first = errno;
    ::closedir(d);
    for (const auto& n : names) {
        const int err = remove_tree_at(dfd, n);
        if (first == 0) first = err;
    }
    return first;
}

}  // namespace

std::string temp_prefix(std::string_view out_base, TempKind kind) {
    return "." + std::string(out_base) + (kind == TempKind::tmp ? ".tmp-" : ".layers-");
}

bool is_temp_name_for(std::string_view entry, std::string_view out_base) {
    if (out_base.empty()) return false;
    for (const TempKind kind : {TempKind::tmp, TempKind::layers}) {
        const std::string prefix = temp_prefix(out_base, kind);
        if (entry.size() != prefix.size() + kSuffixChars || entry.substr(0, prefix.size()) != prefix) continue;
        bool ok = true;
        for (const char c : entry.substr(prefix.size())) ok = ok && is_suffix_char(c);
        if (ok) return true;
    }
    return false;
}

Fd open_unnamed(int dir_fd, const std::string& dir) {
    Fd fd(::openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (!fd) {
        // EISDIR: a kernel without O_TMPFILE (it is O_DIRECTORY there).
        if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return Fd();
        throw_sys("cannot create a temporary file in", dir, errno);
    }
    // Nobody else can see it yet: taking the lock cannot fail but for lack of flock(2).
    try_lock(fd.get());
    // link_unnamed() can name it: burrow-pack needs /proc anyway (/proc/self/exe).
    return fd;
}

bool link_unnamed(int fd, int dir_fd, const std::string& name) {
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH before Linux 6.10; /proc/self/fd does not.
    if (::linkat(fd, "", dir_fd, name.c_str(), AT_EMPTY_PATH) == 0) return true;
    if (errno == EEXIST) return false;
    const int first = errno;
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    if (::linkat(AT_FDCWD, proc.c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW) == 0) return true;
    // No /proc: the first reason says more.
    if (errno == ENOENT && ::access("/proc/self/fd", F_OK) != 0) errno = first;
    return false;
}

std::string link_unnamed_as_temp(int fd, int dir_fd, const std::string& dir, std::string_view out_base) {
    for (int i = 0; i < kAttempts; ++i) {
        const std::string name = random_temp_name(out_base, TempKind::tmp);
        if (link_unnamed(fd, dir_fd, name)) return name;
        if (errno != EEXIST) throw_sys("cannot name the finished pack in", dir, errno);
    }
    throw_sys("cannot name the finished pack in", dir, EEXIST);
}

bool still_named(int dir_fd, const std::string& name, int fd) {
    struct stat a, b;
    return ::fstat(fd, &a) == 0 && a.st_nlink > 0 && ::fstatat(dir_fd, name.c_str(), &b, AT_SYMLINK_NOFOLLOW) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

Fd create_temp_file(int dir_fd, const std::string& dir, std::string_view out_base, TempKind kind, std::string& name) {
    for (int i = 0; i < kAttempts; ++i) {
        const std::string n = random_temp_name(out_base, kind);
        Fd fd(::openat(dir_fd, n.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) {
            if (errno == EEXIST) continue;
            throw_sys("cannot create a temporary file in", dir, errno);
        }
        // Between the open and the lock, a run removing stale temporaries may have taken
        // it: then it removes it, and we make another.
        if (!try_lock(fd.get()) || !still_named(dir_fd, n, fd.get())) continue;
        name = n;
        return fd;
    }
    throw_sys("cannot create a temporary file in", dir, EEXIST);
}

Fd create_temp_dir(int dir_fd, const std::string& dir, std::string_view out_base, TempKind kind, unsigned dir_mode,
                   std::string& name) {
    for (int i = 0; i < kAttempts; ++i) {
        const std::string n = random_temp_name(out_base, kind);
        if (::mkdirat(dir_fd, n.c_str(), 0700) != 0) {
            if (errno == EEXIST) continue;
            throw_sys("cannot create a temporary directory in", dir, errno);
        }
        Fd fd(::openat(dir_fd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) continue;  // removed (and perhaps replaced) before we could open it
        if (!try_lock(fd.get()) || !still_named(dir_fd, n, fd.get())) continue;
        if (::fchmod(fd.get(), dir_mode & ~current_umask() & 07777) != 0)
            throw_sys("cannot set the mode of", join_path(dir, n), errno);
        name = n;
        return fd;
    }
    throw_sys("cannot create a temporary directory in", dir, EEXIST);
}

int remove_tree_at(int dir_fd, const std::string& name) {
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : errno;
    if (!S_ISDIR(st.st_mode)) return ::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT ? 0 : errno;
    int first = 0;
    if (Fd d = open_dir_nofollow(dir_fd, name))
        first = remove_contents(d.get());
    else
        first = errno;
    if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT && first == 0) first = errno;
    return first;
}

std::vector<StaleTemp> remove_stale_temps(const std::string& out) {
    std::vector<StaleTemp> result;
    const std::string dir = dirname_of(out), base = basename_of(out);
    if (base.empty() || base == "." || base == "..") return result;
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd) return result;  // an unreadable directory: nothing we can look for
    std::vector<std::string> names;
    {
        const int dup_fd = ::fcntl(dfd.get(), F_DUPFD_CLOEXEC, 0);
        DIR* d = dup_fd < 0 ? nullptr : ::fdopendir(dup_fd);
        if (d == nullptr) {
            if (dup_fd >= 0) ::close(dup_fd);
            return result;
        }
        while (const dirent* e = ::readdir(d))
            if (is_temp_name_for(e->d_name, base)) names.emplace_back(e->d_name);
        ::closedir(d);
    }
    const uid_t me = ::geteuid();
    for (const auto& n : names) {
        struct stat st;
        if (::fstatat(dfd.get(), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != me) continue;
        const std::string path = join_path(dir, n);
        if (S_ISLNK(st.st_mode)) {
            // We never make links of this name; it cannot be locked, and is not followed.
            if (::unlinkat(dfd.get(), n.c_str(), 0) == 0) result.push_back(StaleTemp{path, 0});
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) continue;
        const bool is_dir = S_ISDIR(st.st_mode);
        Fd fd = is_dir ? open_dir_nofollow(dfd.get(), n)
                       : Fd(::openat(dfd.get(), n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat fst;
        if (!fd || ::fstat(fd.get(), &fst) != 0 || fst.st_uid != me || S_ISDIR(fst.st_mode) != is_dir) continue;
        // Locked: its run is still going. A file system without flock(2): cannot tell.
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
        if (!still_named(dfd.get(), n, fd.get())) continue;
        int err = 0;
        if (is_dir) {
            err = remove_contents(fd.get());
            if (::unlinkat(dfd.get(), n.c_str(), AT_REMOVEDIR) != 0 && err == 0) err = errno;
        } else if (::unlinkat(dfd.get(), n.c_str(), 0) != 0) {
            err = errno;
        }
        result.push_back(StaleTemp{path, err});
    }
    return result;
}

}  // namespace burrow::pack
