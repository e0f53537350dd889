#include "packer/check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "packer/fsutil.hpp"
#include "packer/interrupt.hpp"
#include "packer/manifest.hpp"
#include "packer/store_names.hpp"
#include "packer/tempfiles.hpp"
#include "packer/verify.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/pack_layout.hpp"

namespace burrow::pack {

namespace {

[[noreturn]] void usage(const std::string& msg) { throw Error("check: " + msg, 125); }

// The private directory: made with mkdtemp (0700) in $TMPDIR or /tmp, removed by the
// destructor, however check_pack() ends (an Interrupted error included).
class PrivateDir {
  public:
    PrivateDir() {
        const char* env = std::getenv("TMPDIR");
        const std::string base = real_path(env && *env ? env : "/tmp");
        std::string tmpl = base + "/burrow-pack-check.XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) throw_sys("cannot create a temporary directory in", base, errno);
        path_ = tmpl;
        parent_ = Fd(::open(base.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        name_ = basename_of(path_);
    }
    ~PrivateDir() {
        if (parent_) (void)remove_tree_at(parent_.get(), name_);
    }
    PrivateDir(const PrivateDir&) = delete;
    PrivateDir& operator=(const PrivateDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_, name_;
    Fd parent_;
};

// The last `max` bytes of the file open as fd.
std::string tail_of(int fd, std::size_t max) {
    struct stat st;
    if (::fstat(fd, &st) != 0) return {};
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    const std::uint64_t from = size > max ? size - max : 0;
    std::string out(static_cast<std::size_t>(size - from), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::pread(fd, out.data() + got, out.size() - got, static_cast<off_t>(from + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

struct Outcome {
    bool ok = false;
    std::string status;  // "exit 0", "killed by SIGSEGV", "no exit after 60 seconds"
    std::string out, err;
};

Fd open_log(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) throw_sys("cannot create", path, errno);
    return fd;
}

// Runs `program` with `args`, BURROW_HOST=none, in its own process group, from `cwd`;
// killed (the whole group) after the timeout or when burrow-pack is interrupted.
Outcome run_entry(const std::string& program, const std::vector<std::string>& args, const std::string& cwd,
                  const std::string& logs) {
    (void)::unlink((logs + "/out").c_str());
    (void)::unlink((logs + "/err").c_str());
    const Fd out = open_log(logs + "/out"), err = open_log(logs + "/err");
    std::vector<std::string> argv_s{program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw_sys("cannot fork to run", program, errno);
    if (pid == 0) {
        ::setpgid(0, 0);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        for (const int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE}) ::sigaction(sig, &dfl, nullptr);
        const int null = ::open("/dev/null", O_RDONLY);
        if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(out.get(), 1) < 0 || ::dup2(err.get(), 2) < 0 ||
            ::chdir(cwd.c_str()) != 0 || ::setenv("BURROW_HOST", "none", 1) != 0)
            ::_exit(125);
        ::execv(program.c_str(), argv.data());
        const std::string msg = "burrow-pack check: cannot run " + program + ": " + std::strerror(errno) + "\n";
        (void)!::write(2, msg.data(), msg.size());
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // both sides, so that the group exists before a kill
    Outcome o;
    int wstatus = 0;
    const std::time_t start = std::time(nullptr);
    bool timed_out = false;
    for (;;) {
        const pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) throw_sys("cannot wait for", program, errno);
        if (pending_signal() != 0 || (!timed_out && std::time(nullptr) - start >= kCheckTimeoutSeconds)) {
            timed_out = pending_signal() == 0;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
            check_interrupted();
            break;
        }
        const struct timespec pause = {0, 20 * 1000 * 1000};
        ::nanosleep(&pause, nullptr);
    }
    if (timed_out)
        o.status = "no exit after " + std::to_string(kCheckTimeoutSeconds) + " seconds, killed";
    else if (WIFEXITED(wstatus))
        o.status = "exit " + std::to_string(WEXITSTATUS(wstatus));
    else
        o.status = "killed by " + signal_name(WTERMSIG(wstatus));
    o.ok = !timed_out && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
    o.out = tail_of(out.get(), 8192);
    o.err = tail_of(err.get(), 8192);
    return o;
}

std::string first_line(const std::string& text) {
    const auto nl = text.find('\n');
    return output_tail(nl == std::string::npos ? text : text.substr(0, nl), 1);
}

}  // namespace

std::string output_tail(const std::string& text, std::size_t lines, std::size_t max_bytes) {
    std::vector<std::string> kept;
    std::size_t end = text.size();
    while (kept.size() < lines && end > 0) {
        const auto nl = end == 0 ? std::string::npos : text.rfind('\n', end - 1);
        const std::size_t begin = nl == std::string::npos ? 0 : nl + 1;
        std::string line = text.substr(begin, end - begin);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
        std::size_t lead = 0;
        while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
        line.erase(0, lead);
        if (!line.empty()) kept.insert(kept.begin(), line);
        if (nl == std::string::npos) break;
        end = nl;
    }
    std::string out;
    for (const auto& l : kept) out += (out.empty() ? "" : " | ") + l;
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    if (out.size() > max_bytes) out = "..." + out.substr(out.size() - max_bytes);
    return out;
}

int check_pack(const std::string& pack, const std::optional<std::string>& entry, const std::vector<std::string>& args) {
    struct stat st;
    if (::stat(pack.c_str(), &st) != 0)
        usage("cannot read the pack " + pack + ": " + std::strerror(errno) +
              "; give the tarball (-f tarball) or the directory (-f dir) burrow-pack wrote");
    if (::access(pack.c_str(), R_OK) != 0)
        usage("cannot read the pack " + pack + ": " + std::strerror(errno) + "; check its permissions");
    const std::string needs =
        "check needs a tarball pack (-f tarball), a directory pack (-f dir) or a single file (-f run)";
    PackKind kind;
    try {
        kind = pack_kind(pack);
    } catch (const Interrupted&) {
        throw;
    } catch (const Error& e) {
        usage(std::string(e.what()) + "; " + needs);
    }
    switch (kind) {
        case PackKind::image:
            usage(pack + " is a container image (-f docker or -f oci); " + needs +
                  " made from the same items, or run the image on its engine");
        case PackKind::not_pack: usage(pack + " is not a burrow pack; " + needs);
        case PackKind::single_file:  // the tarball inside it is unpacked as a tarball
        case PackKind::tarball:
        case PackKind::directory: break;
    }
    const nlohmann::json m = parse_manifest(manifest_text_of(pack), pack);
    std::vector<std::string> names;
    for (const auto& e : m["entries"]) names.push_back(e["name"].get<std::string>());
    std::string listed;
    for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
    if (names.empty()) usage(pack + " has no entries to run");
    if (entry) {
        bool known = false;
        for (const auto& n : names) known = known || n == *entry;
        if (!known) usage(pack + " has no entry '" + *entry + "' (entries: " + listed + ")");
        names = {*entry};
    }

    PrivateDir tmp;
    std::string root;
    if (kind == PackKind::tarball || kind == PackKind::single_file) {
        const std::string into = tmp.path() + "/pack";
        if (::mkdir(into.c_str(), 0700) != 0) throw_sys("cannot create", into, errno);
        root = unpack_tarball_pack(pack, into);
    } else {
        root = real_path(pack);
    }
    const std::string cwd = tmp.path() + "/cwd";
    if (::mkdir(cwd.c_str(), 0700) != 0) throw_sys("cannot create", cwd, errno);
    const std::vector<std::string> run_args = entry ? args : std::vector<std::string>{"--version"};

    std::size_t failed = 0;
    for (const auto& n : names) {
        check_interrupted();
        const Outcome o = run_entry(root + "/" + kBinDir + "/" + n, run_args, cwd, tmp.path());
        std::string detail = o.ok ? first_line(o.out) : output_tail(o.err.empty() ? o.out : o.err);
        std::string line = std::string(o.ok ? "ok     " : "FAILED ") + " " + shown_name(n) + " (" + o.status + ")";
        if (!detail.empty()) line += ": " + detail;
        std::cout << line << "\n" << std::flush;
        if (!o.ok) ++failed;
    }
    std::cout << pack << ": " << (names.size() - failed) << " of " << names.size()
              << " entries passed with the host's root hidden (BURROW_HOST=none)"
              << (failed ? "; each FAILED line says what went wrong (for a program without --version, give its "
                           "arguments: check PACK -- ENTRY ARG...)"
                         : "")
              << "\n"
              << std::flush;
    return failed ? 1 : 0;
}

}  // namespace burrow::pack
