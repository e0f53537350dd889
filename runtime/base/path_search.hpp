// Looking a command name up in a PATH-style list of directories. Each caller decides what
// counts as found (an executable regular file, or just X_OK); the splitting and the
// order are the same everywhere.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace burrow {

// The PATH the launcher and the sandboxed program's lookup use when the environment has
// none.
inline constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// What an empty entry of the list ("a::b", a leading or trailing ':') stands for.
enum class EmptyPathEntry {
    current_dir,  // "." as execvp reads it
    skip,         // nothing: looked up nowhere
};

// "DIR/name" for each DIR of the colon-separated `dirs`, in order, until `found` accepts
// one; that one, or nullopt. An empty `dirs` is one empty entry.
std::optional<std::string> search_path_dirs(std::string_view dirs, std::string_view name, EmptyPathEntry empty,
                                            const std::function<bool(const std::string&)>& found);

}  // namespace burrow
