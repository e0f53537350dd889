// burrow-run, the head of a single-file pack (burrow-pack -f run): the decisions it makes
// without touching the system, so that they can be unit-tested.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace burrow::runstub {

// Where the per-user cache may go, best first: $XDG_CACHE_HOME/burrow, $HOME/.cache/burrow
// (each only when absolute), then ${TMPDIR:-/tmp}/burrow-cache-UID for users without a
// home (uid 65534's is /nonexistent). Only the directories below `anchor` are ever made:
// a missing home is not created.
struct CacheBase {
    std::string anchor, path;
};
std::vector<CacheBase> cache_bases(const char* xdg_cache_home, const char* home, const char* tmpdir, unsigned uid);

// The cache directory's name: the first 32 hex digits of the payload's SHA-256.
std::string cache_name(const std::string& sha256_raw);

// Which entry to run. `entries` are the names in the pack's bin/ (sorted); `argv0` as
// invoked; `arg1` the first argument, if any.
struct Choice {
    std::string entry;
    bool shift = false;  // the first argument named it: the program does not get it
    std::string error;   // when no entry can be chosen
};
// The names to try, in order. Run as FILE.run: the first argument, then FILE (hello.run
// runs hello; hello.run sh -c … runs sh). Run through a symlink or a copy named otherwise:
// that name, then the first argument. Only names an entry could have.
std::vector<Choice> candidates(const std::string& argv0, const std::optional<std::string>& arg1);
// The first candidate that is an entry, else the only entry, else an error.
Choice choose_entry(const std::vector<std::string>& entries, const std::string& argv0,
                    const std::optional<std::string>& arg1);

// A member name of the payload made safe to create below the cache: relative, no "..", no
// empty component; "" when it is not ("./" prefixes and trailing slashes removed).
std::string safe_member(std::string name);

}  // namespace burrow::runstub
