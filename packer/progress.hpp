// Progress on stderr ("scanning 12/40 items, 35.2 MiB, 120.4 MiB/s"). On a terminal one
// line, redrawn at most ten times a second. Elsewhere (a CI log, a file) a plain line every
// 10 s of a phase, so a short pack says nothing and a long one does not look hung; `eager`
// lines also start each phase. mode_from(): BURROW_PACK_PROGRESS=none|lines|terminal, or
// by whether stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace burrow::pack {

class Progress {
  public:
    enum class Mode { none, terminal, lines, eager_lines };
    explicit Progress(Mode mode);
    static Mode mode_from(const char* env, bool stderr_is_terminal);
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

    Mode mode_;
    bool drawn_ = false;
    std::string what_, unit_;
    std::uint64_t items_ = 0, total_ = 0, bytes_ = 0;
    std::chrono::steady_clock::time_point start_, last_;
};

// "1.5 MiB"
std::string human_bytes(double bytes);

}  // namespace burrow::pack
