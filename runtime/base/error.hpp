// Errors burrow reports to the user.
//
// Every failure that is burrow's own (bad profile, bad option, setup failure) is an
// Error with exit status 125; 126/127 are for "command not executable / not found".
// The text never starts with "burrow: " — the launcher adds the prefix to each line.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace burrow {

inline constexpr int kExitSetupFailure = 125;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, int status = kExitSetupFailure)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

// Several problems found in one pass over a profile (parse/schema/merge/expansion stages
// report everything they find, capped, before giving up). Each message is one line.
class ProfileError : public Error {
  public:
    explicit ProfileError(std::vector<std::string> messages) : Error(join(messages)), messages_(std::move(messages)) {}
    const std::vector<std::string>& messages() const { return messages_; }

  private:
    static std::string join(const std::vector<std::string>& m) {
        std::string out;
        for (const auto& line : m) {
            if (!out.empty()) out += '\n';
            out += line;
        }
        return out;
    }
    std::vector<std::string> messages_;
};

// Who is speaking: burrow under its own name, or burrow run as `bwrap` (the bwrap
// personality), which says "bwrap: " and exits as bubblewrap does: 1 for every failure
// of its own, 128+N for a program killed by signal N. Chosen once, at start-up.
enum class Voice { burrow, bwrap };
void set_voice(Voice v);
Voice voice();
// The exit status for `e` in the current voice.
int exit_status(const Error& e);

// Print an error to stderr, each line prefixed with "burrow: " (or "bwrap: ").
void report(const Error& e);
// A warning, "burrow: " (or "bwrap: ") and the text; nothing stops.
void warn(const std::string& text);
// --level-prefix: "<3>" before each error line, "<4>" before each warning (sd-daemon(3)).
void set_level_prefix(bool on);

// "strerror" that is safe to call anywhere and never returns null.
std::string errno_text(int err);

}  // namespace burrow
