// burrow-pack's command line → a Command. Pure: no file is looked at here; everything
// that needs the file system is checked by run_pack(). Errors are Error(…, 125).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "packer/writer.hpp"

namespace burrow::pack {

inline constexpr int kExitUsage = 125;

enum class Format { tarball, dir, docker, oci, run };

inline constexpr int kDefaultMaxLayers = 100;
inline constexpr int kMaxLayersLimit = 125;  // Docker refuses 126 and more ("max depth exceeded")
enum class Compression { gzip, zstd, xz, none };

struct EntryOption {
    std::string name, program;
};
struct ProfileOption {
    std::string name, file;
};
struct LinkOption {
    std::string link, target;
};  // link: relative to the pack root
struct SliceOption {
    std::string dir, destination;
    std::string entry;  // "": every entry's; else only this entry's (from --wrapper)
};

struct PackOptions {
    std::optional<std::string> store_source;
    std::string store_destination;   // empty: same as the source (made absolute later)
    std::vector<std::string> items;  // as given
    std::vector<SliceOption> slices;
    std::vector<std::string> wrappers;  // --wrapper FILE (read by gather_inputs)
    std::vector<EntryOption> entries;
    std::vector<ProfileOption> profiles;
    std::vector<LinkOption> links;
    Format format = Format::tarball;
    Compression compression = Compression::gzip;
    std::string output;  // "-": stdout
    // -f tarball: the one top-level directory every member is below ("": none, the
    // members are at the top, as bin/, .burrow/ and the store). See prefix_dir_problem().
    std::string prefix_dir;
    bool closure = true;
    bool warn_host = false;  // --warn-host: list the host paths the packed files name
    std::optional<std::string> runtime, proot;
    // -f docker / -f oci only.
    int max_layers = kDefaultMaxLayers;
    std::optional<std::string> tag;  // "NAME:TAG" as checked by image_reference()
    // The image config: --env VAR=VALUE, --label KEY=VALUE (in order), --user UID[:GID],
    // --workdir DIR, --cmd ARG (repeatable: the default arguments).
    std::vector<std::pair<std::string, std::string>> env, labels;
    std::optional<std::string> user, workdir;
    std::vector<std::string> cmd;
};

struct Command {
    enum class Kind { pack, info, verify, check, help, version };
    Kind kind = Kind::pack;
    PackOptions pack;
    std::string target;  // info/verify/check: the pack
    bool json = false;   // info --json: the manifest itself
    // check PACK -- ENTRY ARGS...: the one entry to run and its arguments (empty: every
    // entry, each with --version).
    std::optional<std::string> check_entry;
    std::vector<std::string> check_args;
};

// Why NAME cannot be --prefix-dir's directory ("" when it can): empty, "." or "..", a
// '/', a NUL or another control character, or longer than 255 bytes.
std::string prefix_dir_problem(const std::string& name);

// args: argv without the program name.
Command parse_command_line(const std::vector<std::string>& args);

std::string usage_text();
// What a format's row in kFormats (options.cpp) says about it.
const char* format_name(Format f);
bool is_image_format(Format f);
OpenWriter format_writer(Format f);
const char* compression_name(Compression c);

// "SRC[:DEST]" → {SRC, DEST or ""}. DEST is what follows the last ':' when it is absolute.
std::pair<std::string, std::string> split_store_spec(const std::string& spec);

// Two slices may share a destination only when no entry mounts both (--wrapper slices of
// different entries). Also checked again once the wrappers are read.
void check_slice_places(const PackOptions& o);

}  // namespace burrow::pack
