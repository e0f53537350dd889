// --profile NAME: where profiles are found by name, and --list-profiles.
//
// A reference without '/' that is not builtin:NAME is a name. NAME (no ".json") is looked
// up as NAME.json in the profile directories only, never in the current directory, so a
// file that an archive or a checkout put there cannot stand in for a stock profile.
// FILE.json is the file in the current directory when there is one (as before names
// existed), else it is looked up like NAME.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace burrow {

struct ProfileSearch {
    std::string cwd;  // physical
    std::optional<std::string> xdg_config_home, home;
    std::string exe_dir;  // the directory of the running burrow binary
};

// $XDG_CONFIG_HOME/burrow/profiles (default ~/.config/…), /etc/burrow/profiles,
// EXE_DIR/../share/burrow/profiles (what `make install PREFIX=…` writes). Pure.
std::vector<std::string> profile_dirs(const ProfileSearch& s);

// A --profile argument that is a name (no '/', not builtin:…, not empty).
bool is_profile_name(std::string_view ref);

// The files a name may mean, in the order they are tried. Pure.
std::vector<std::string> profile_candidates(std::string_view name, const ProfileSearch& s);

// The first candidate that is a file; Error(125) naming every place looked otherwise.
std::string find_profile(std::string_view name, const ProfileSearch& s);

// The first sentence of a profile file's leading // comment, without "NAME — ". Pure.
std::string profile_description(std::string_view text, std::string_view name);

struct ListedProfile {
    std::string name, path, description;
    std::string hidden_by;  // path of an earlier profile of the same name
};

// Every *.json of the profile directories, in search order, each directory sorted.
std::vector<ListedProfile> list_profiles(const ProfileSearch& s);

// --list-profiles: the built-in bases, then LIST, one per line, and the directories.
std::string list_profiles_text(const std::vector<ListedProfile>& list, const ProfileSearch& s);

}  // namespace burrow
