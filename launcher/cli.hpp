// burrow's command line → a profile reference, an overlay document, and the command.
//
// Options become one overlay in the profile format (applied after the profile chain, in
// the order given), so an option and the profile key it stands for share one validator
// and one meaning. Pure: no syscalls.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace burrow {

struct Cli {
    std::optional<std::string> profile;  // --profile FILE|NAME|builtin:NAME (a name as given)
    nlohmann::json overlay = nlohmann::json::object();
    std::vector<std::string> args;  // positional: COMMAND [ARG...] or ARG...
    bool print_plan = false, check = false, help = false, version = false;
    bool seccomp_groups = false, list_profiles = false;
    std::optional<std::string> seccomp_group;  // --seccomp-groups @NAME
    bool level_prefix = false;                 // --level-prefix: <3>/<4> before each message
    std::vector<std::string> warnings;         // printed before the launch (a second --chdir)
    // Which option wrote which overlay value ("/hostname" → "--hostname box"), handed to
    // the loader (Overlay::options) so that problems there are named by the option.
    std::map<std::string, std::string> option_at;
};

// Whose command line: burrow's, or bwrap's (burrow run as `bwrap`). The options are the
// same; bwrap's dialect differs only where bubblewrap's behaviour does (burrow(1),
// BWRAP COMPATIBILITY).
enum class Dialect { burrow, bwrap, bwrap_as_root };  // bwrap run by root keeps root's capabilities

// argv without argv[0]. `cwd` makes relative host paths (bind sources, stores) absolute.
// Throws burrow::Error (125) naming the option.
// What --args FD reads: all of FD (the launcher's; the tests pass their own).
using ReadFd = std::function<std::string(int fd)>;
Cli parse_cli(const std::vector<std::string>& argv, const std::string& cwd, Dialect dialect = Dialect::burrow,
              const ReadFd& read_fd = {});

// The text of `burrow --help`.
const char* help_text();
// The text of `bwrap --help` (the personality): "usage: ARGV0 ..." as bubblewrap starts it.
std::string bwrap_help_text(const std::string& argv0);

}  // namespace burrow
