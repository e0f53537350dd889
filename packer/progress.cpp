#include "packer/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace burrow::pack {

Progress::Progress(bool enabled) : enabled_(enabled) { start_ = last_ = std::chrono::steady_clock::now(); }

Progress::~Progress() { finish(); }

void Progress::phase(const std::string& what, std::uint64_t total, const std::string& unit) {
    what_ = what;
    unit_ = unit;
    items_ = 0;
    total_ = total;
    bytes_ = 0;
    start_ = std::chrono::steady_clock::now();
    draw(true);
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
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::string line = "\rburrow-pack: " + what_ + " " + std::to_string(items_);
    if (total_ != 0) line += "/" + std::to_string(total_);
    line += " " + unit_ + ", " + human_bytes(static_cast<double>(bytes_));
    if (secs > 0.2) line += ", " + human_bytes(static_cast<double>(bytes_) / secs) + "/s";
    line += "\033[K";
    (void)!::write(2, line.data(), line.size());
    drawn_ = true;
}

void Progress::finish() {
    if (!enabled_ || !drawn_) return;
    const char clear[] = "\r\033[K";
    (void)!::write(2, clear, sizeof clear - 1);
    drawn_ = false;
}

}  // namespace burrow::pack
