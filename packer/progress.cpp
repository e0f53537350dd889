#include "packer/progress.hpp"

#include <cstdio>
#include <string>
#include <unistd.h>

namespace burrow::pack {

Progress::Progress(Mode mode) : mode_(mode) { start_ = last_ = std::chrono::steady_clock::now(); }

Progress::Mode Progress::mode_from(const char* env, bool stderr_is_terminal) {
    const std::string e = env ? env : "";
    if (e == "none") return Mode::none;
    if (e == "lines") return Mode::eager_lines;
    if (e == "terminal") return Mode::terminal;
    return stderr_is_terminal ? Mode::terminal : Mode::lines;
}

Progress::~Progress() { finish(); }

void Progress::phase(const std::string& what, std::uint64_t total, const std::string& unit) {
    what_ = what;
    unit_ = unit;
    items_ = 0;
    total_ = total;
    bytes_ = 0;
    start_ = last_ = std::chrono::steady_clock::now();
    if (mode_ != Mode::lines) draw(true);
}

std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    return buf;
}

void Progress::draw(bool force) {
    if (mode_ == Mode::none) return;
    const bool terminal = mode_ == Mode::terminal;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < (terminal ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000))) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::string line = std::string(terminal ? "\r" : "") + "burrow-pack: " + what_ + " " + std::to_string(items_);
    if (total_ != 0) line += "/" + std::to_string(total_);
    line += " " + unit_ + ", " + human_bytes(static_cast<double>(bytes_));
    if (secs > 0.2) line += ", " + human_bytes(static_cast<double>(bytes_) / secs) + "/s";
    line += terminal ? "\033[K" : "\n";
    (void)!::write(2, line.data(), line.size());
    drawn_ = terminal;
}

void Progress::finish() {
    if (mode_ != Mode::terminal || !drawn_) return;
    const char clear[] = "\r\033[K";
    (void)!::write(2, clear, sizeof clear - 1);
    drawn_ = false;
}

}  // namespace burrow::pack
