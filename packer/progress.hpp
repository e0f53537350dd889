// One progress line on stderr ("scanning 12/40 items, 35.2 MiB, 120.4 MiB/s"), redrawn at
// most ten times a second, and only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace burrow::pack {

class Progress {
  public:
    explicit Progress(bool enabled);
    ~Progress();

    void phase(const std::string& what, std::uint64_t total, const std::string& unit = "items");
    void item_done() {
        ++items_;
        draw(false);
    }
    void bytes(std::uint64_t n) {
        bytes_ += n;
        draw(false);
    }
    void finish();  // clears the line

  private:
    void draw(bool force);

    bool enabled_;
    bool drawn_ = false;
    std::string what_, unit_;
    std::uint64_t items_ = 0, total_ = 0, bytes_ = 0;
    std::chrono::steady_clock::time_point start_, last_;
};

// "1.5 MiB"
std::string human_bytes(double bytes);

}  // namespace burrow::pack
