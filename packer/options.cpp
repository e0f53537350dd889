#include "packer/options.hpp"

#include <map>
#include <set>

#include "packer/fsutil.hpp"
#include "packer/image_plan.hpp"
#include "runtime/base/pack_layout.hpp"
#include "packer/store_names.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/help_text.hpp"

namespace burrow::pack {

namespace {

[[noreturn]] void usage_error(const std::string& msg) {
    throw Error(msg + "\nTry 'burrow-pack --help' for more information.", kExitUsage);
}

std::pair<std::string, std::string> split_pair(const std::string& opt, const std::string& value, const char* left,
                                               const char* right) {
    const auto eq = value.find('=');
    if (eq == std::string::npos) usage_error(opt + " '" + value + "': expected " + left + "=" + right);
    return {value.substr(0, eq), value.substr(eq + 1)};
}

void check_name(const std::string& opt, const std::string& name, const char* what) {
    const std::string why = name_problem(name);
    if (!why.empty()) usage_error(opt + ": " + what + " '" + name + "' is not usable: " + why);
    // Called by its own name the runtime is the burrow command line, never an entry.
    if (name == kRuntimeName)
        usage_error(
            opt +
            ": an entry cannot be named 'burrow' (that name runs the burrow command itself); choose another NAME");
}

std::string absolute_dest(const std::string& opt, const std::string& value, const char* what) {
    const std::string norm = normalise_absolute_strict(value);
    if (norm.empty()) usage_error(opt + ": " + what + " '" + value + "' must be an absolute path without '..'");
    if (norm == "/") usage_error(opt + ": " + what + " cannot be '/'");
    return norm;
}

// "bin/x", "/etc" → normalised relative path; refuses "..", empty, reserved tops.
std::string relative_link(const std::string& value) {
    const std::string norm = normalise_absolute_strict("/" + value);
    if (norm.empty() || norm == "/") usage_error("-S '" + value + "': LINK must name a path in the pack, without '..'");
    return norm.substr(1);
}

}  // namespace

namespace {

// The output formats, one row each: the names (the first is the canonical one), whether
// it is a container image (no runtime and no profiles; --max-layers and --tag apply) and
// the function that opens its writer (writer.hpp), which run_pack() calls.
struct FormatRow {
    Format format;
    const char* name;
    const char* alias;
    bool image;
    OpenWriter open;
};
constexpr FormatRow kFormats[] = {{Format::tarball, "tarball", nullptr, false, open_tarball_writer},
                                  {Format::dir, "dir", "directory", false, open_dir_writer},
                                  {Format::run, "run", nullptr, false, open_run_writer},
                                  {Format::docker, "docker", nullptr, true, open_docker_writer},
                                  {Format::oci, "oci", nullptr, true, open_oci_writer}};
// The compressions by name; a row's first name is the canonical one.
struct CompressionName {
    Compression compression;
    const char* name;
    const char* alias;
};
constexpr CompressionName kCompressions[] = {{Compression::gzip, "gzip", "gz"},
                                             {Compression::zstd, "zstd", "zst"},
                                             {Compression::xz, "xz", nullptr},
                                             {Compression::none, "none", nullptr}};

template <class Row, std::size_t N>
const Row* by_name(const Row (&rows)[N], const std::string& v) {
    for (const Row& r : rows)
        if (v == r.name || (r.alias && v == r.alias)) return &r;
    return nullptr;
}

// "tarball, dir, run, docker or oci"
template <class Row, std::size_t N>
std::string name_list(const Row (&rows)[N]) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) out += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + rows[i].name;
    return out;
}

// "-f docker and -f oci": the image formats, for the options only they take.
std::string image_formats() {
    std::vector<std::string> names;
    for (const auto& r : kFormats)
        if (r.image) names.push_back(std::string("-f ") + r.name);
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

const FormatRow& format_row(Format f) {
    for (const auto& r : kFormats)
        if (r.format == f) return r;
    throw Error("internal error: no row in kFormats for format " + std::to_string(static_cast<int>(f)), 1);
}

}  // namespace

const char* format_name(Format f) { return format_row(f).name; }

std::string prefix_dir_problem(const std::string& name) {
    if (name.empty()) return "the name is empty";
    if (name == "." || name == "..") return "'" + name + "' is not a directory of its own";
    if (name.find('/') != std::string::npos) return "a '/' makes it more than one directory";
    for (const unsigned char c : name)
        if (c < 0x20 || c == 0x7f) return "it holds a control character";
    if (name.size() > 255) return "longer than 255 bytes";
    return {};
}

bool is_image_format(Format f) { return format_row(f).image; }

OpenWriter format_writer(Format f) { return format_row(f).open; }

const char* compression_name(Compression c) {
    for (const auto& r : kCompressions)
        if (r.compression == c) return r.name;
    return "?";
}

std::pair<std::string, std::string> split_store_spec(const std::string& spec) {
    const auto colon = spec.rfind(':');
    if (colon != std::string::npos && colon + 1 < spec.size() && spec[colon + 1] == '/')
        return {spec.substr(0, colon), spec.substr(colon + 1)};
    return {spec, ""};
}

namespace {

// ---- The options: one row each. ----------------------------------------------------------
//
// A row names the option's spellings, its value, its --help text and what it does to the
// options being built. The parser and usage_text() read this one table: adding an option is
// adding a row (and, where it needs them, a check in check_combination()).

struct State {
    Command& cmd;
    PackOptions& o;
    bool compression_given = false, output_given = false, max_layers_given = false;
    std::set<std::string> entry_names, profile_names;
    bool done = false;  // --help, --version: nothing more is read
};

struct Option {
    std::string_view short_name;  // "-e", or "" when there is none
    std::string_view long_name;   // "--entry"
    std::string_view value;       // "NAME=PROGRAM", or "" for a switch
    std::string_view help;        // --help's text; '\n' starts a continuation line
    void (*run)(State&, const std::string& name, const std::string& value);
};

void store(State& s, const std::string&, const std::string& value) {
    if (s.o.store_source)
        usage_error("--store given twice; a pack holds one store (use --slice for other directories)");
    auto [src, dest] = split_store_spec(value);
    if (src.empty()) usage_error("--store '" + value + "': SRC is empty");
    s.o.store_source = src;
    if (!dest.empty()) s.o.store_destination = absolute_dest("--store", dest, "DEST");
}

void slice(State& s, const std::string& name, const std::string& value) {
    auto [dir, dest] = split_pair(name, value, "DIR", "DEST");
    if (dir.empty()) usage_error("--slice '" + value + "': DIR is empty");
    s.o.slices.push_back(SliceOption{dir, absolute_dest("--slice", dest, "DEST")});
}

void wrapper(State& s, const std::string& name, const std::string& value) {
    if (value.empty()) usage_error(name + ": FILE is empty");
    const std::string n = value.substr(value.find_last_of('/') + 1);
    check_name(name + " " + value + ": the file name", n, "entry name");
    if (!s.entry_names.insert(n).second) usage_error(name + " " + value + ": entry '" + n + "' given twice");
    s.o.wrappers.push_back(value);
}

void entry(State& s, const std::string& name, const std::string& value) {
    auto [n, prog] = split_pair(name, value, "NAME", "PROGRAM");
    check_name(name, n, "entry name");
    const std::string p = normalise_absolute_strict(prog);
    if (p.empty() || p == "/")
        usage_error(name + " " + value +
                    ": PROGRAM must be an absolute path inside the sandbox (e.g. /gnu/store/…/bin/" + n + ")");
    if (!s.entry_names.insert(n).second) usage_error(name + ": entry '" + n + "' given twice");
    s.o.entries.push_back(EntryOption{n, p});
}

void profile(State& s, const std::string& name, const std::string& value) {
    auto [n, file] = split_pair(name, value, "NAME", "FILE");
    check_name(name, n, "entry name");
    if (file.empty()) usage_error("--profile " + value + ": FILE is empty");
    if (!s.profile_names.insert(n).second) usage_error("--profile: entry '" + n + "' given twice");
    s.o.profiles.push_back(ProfileOption{n, file});
}

void symlink(State& s, const std::string& name, const std::string& value) {
    auto [link, target] = split_pair(name, value, "LINK", "TARGET");
    if (target.empty()) usage_error(name + " " + value + ": TARGET is empty");
    s.o.links.push_back(LinkOption{relative_link(link), target});
}

void format(State& s, const std::string& name, const std::string& value) {
    const FormatRow* f = by_name(kFormats, value);
    if (!f) usage_error(name + " '" + value + "': unknown format; use " + name_list(kFormats));
    s.o.format = f->format;
}

void compression(State& s, const std::string& name, const std::string& value) {
    const CompressionName* c = by_name(kCompressions, value);
    if (!c) usage_error(name + " '" + value + "': unknown compression; use " + name_list(kCompressions));
    s.o.compression = c->compression;
    s.compression_given = true;
}

void output(State& s, const std::string& name, const std::string& value) {
    if (value.empty()) usage_error(name + ": OUT is empty");
    if (s.output_given) usage_error(name + " given twice");
    s.o.output = value;
    s.output_given = true;
}

void prefix_dir(State& s, const std::string& name, const std::string& value) {
    if (const std::string why = prefix_dir_problem(value); !why.empty())
        usage_error(name + " '" + value + "': " + why +
                    "; give one directory name (e.g. --prefix-dir hello-1.0), which tar xf creates");
    if (!s.o.prefix_dir.empty()) usage_error(name + " given twice; a tarball has one top-level directory");
    s.o.prefix_dir = value;
}

void max_layers(State& s, const std::string&, const std::string& value) {
    if (value.empty() || value.size() > 4 || value.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(value) < 2 || std::stoi(value) > kMaxLayersLimit)
        usage_error("--max-layers '" + value + "': expected a number of layers from 2 to " +
                    std::to_string(kMaxLayersLimit) +
                    " (one or more for the store items, plus the last layer; Docker refuses images of more than " +
                    std::to_string(kMaxLayersLimit) + ")");
    s.o.max_layers = std::stoi(value);
    s.max_layers_given = true;
}

// --env VAR=VALUE, --label KEY=VALUE: the image config's Env and Labels.
void image_pair(State& s, const std::string& name, const std::string& value) {
    const bool env = name == "--env";
    auto [k, v] = split_pair(name, value, env ? "VAR" : "KEY", "VALUE");
    if (k.empty()) usage_error(name + " '" + value + "': " + (env ? "VAR" : "KEY") + " is empty");
    if (env &&
        (k.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos ||
         (k[0] >= '0' && k[0] <= '9')))
        usage_error(name + " '" + value + "': '" + k + "' is not a variable name (letters, digits and _)");
    if (!env && k == kManifestDigestLabel)
        usage_error(name + " '" + value + "': burrow-pack sets " + k + " itself (the manifest's digest)");
    auto& list = env ? s.o.env : s.o.labels;
    for (auto& [key, val] : list)
        if (key == k) usage_error(name + " " + k + " given twice");
    list.emplace_back(k, v);
}

// --user UID[:GID]: numeric, as a runtime needs no /etc/passwd entry for it.
void image_user(State& s, const std::string& name, const std::string& value) {
    auto digits = [](const std::string& t) {
        return !t.empty() && t.size() <= 10 && t.find_first_not_of("0123456789") == std::string::npos &&
               std::stoull(t) <= 4294967294ull;
    };
    const auto colon = value.find(':');
    const std::string uid = value.substr(0, colon), gid = colon == std::string::npos ? "" : value.substr(colon + 1);
    if (!digits(uid) || (colon != std::string::npos && !digits(gid)))
        usage_error(name + " '" + value + "': expected UID or UID:GID, numbers (e.g. 1000:1000, or 0 for root)");
    s.o.user = value;
}

void image_workdir(State& s, const std::string& name, const std::string& value) {
    s.o.workdir = absolute_dest(name, value, "DIR");
}

void tag(State& s, const std::string&, const std::string& value) {
    const std::string why = image_reference_problem(value);
    if (!why.empty()) usage_error("--tag '" + value + "': " + why);
    s.o.tag = value;
}

#define SETS(what)                                           \
    [](State& s, const std::string&, const std::string& v) { \
        (void)v;                                             \
        what;                                                \
    }

const Option kOptions[] = {
    {"", "--store", "SRC[:DEST]",
     "SRC holds the store items; DEST is where they appear\ninside the sandbox (default: SRC)", store},
    {"", "--slice", "DIR=DEST",
     "pack directory DIR as an item mounted at DEST inside\n(it may reference /gnu/store or /nix/store only with\n"
     "--store SRC[:DEST])",
     slice},
    {"-e", "--entry", "NAME=PROGRAM", "bin/NAME runs PROGRAM (a path inside the sandbox)", entry},
    {"", "--wrapper", "FILE",
     "pack exec wrapper FILE (a profile with process.exec) as\nentry bin/NAME, NAME its file name; its read-only "
     "binds\nof directories become slices of that entry alone",
     wrapper},
    {"", "--profile", "NAME=FILE", "entry NAME uses profile FILE instead of the generated one", profile},
    {"-S", "--symlink", "LINK=TARGET",
     "add symlink LINK at the pack root pointing at TARGET\n(relative to the pack root, or a path under DEST)",
     symlink},
    {"-f", "--format", "FORMAT",
     "tarball (default), dir, run (one executable file\nthat unpacks itself once into a per-user cache),\n"
     "docker (a 'docker load' archive) or oci (an OCI\nimage layout; a tar of it when OUT ends in .tar)",
     format},
    {"-C", "--compression", "METHOD",
     "gzip (default), zstd, xz or none (oci layers: gzip,\nzstd or none; docker archives are not compressed)",
     compression},
    {"-o", "--output", "OUT", "where to write the pack ('-': the tarball on stdout)", output},
    {"", "--prefix-dir", "NAME",
     "tarball: put every member below the directory NAME\n(default: none; bin/, .burrow/ and the store at the top)",
     prefix_dir},
    {"", "--max-layers", "N", "docker/oci: at most N layers, 2 to 125 (default 100)", max_layers},
    {"", "--tag", "NAME[:TAG]", "docker/oci: the image's name (default: the first\nentry's name, tag latest)", tag},
    {"", "--env", "VAR=VALUE",
     "docker/oci: set VAR in the image's environment\n(repeatable; PATH replaces the one made)", image_pair},
    {"", "--user", "UID[:GID]", "docker/oci: the user the image runs as (default\n65534:65534; 0 for root)",
     image_user},
    {"", "--workdir", "DIR", "docker/oci: the working directory (default /)", image_workdir},
    {"", "--label", "KEY=VALUE", "docker/oci: add a label (repeatable)", image_pair},
    {"", "--cmd", "ARG", "docker/oci: an argument of the default command (Cmd;\nrepeatable, in order)",
     SETS(s.o.cmd.push_back(v))},
    {"", "--no-closure", "", "pack only the named items; missing references are\nnot errors",
     SETS(s.o.closure = false)},
    {"", "--warn-host", "",
     "list the host paths (/usr/..., /etc/...) the packed files\nname: what the pack may lack on another machine",
     SETS(s.o.warn_host = true)},
    {"", "--runtime", "FILE", "runtime to embed (default: 'burrow' next to burrow-pack)", SETS(s.o.runtime = v)},
    {"", "--proot", "FILE", "ship FILE as the pack's proot, for hosts without user\nnamespaces", SETS(s.o.proot = v)},
    {"-h", "--help", "", "this text", SETS(s.cmd.kind = Command::Kind::help; s.done = true)},
    {"-V", "--version", "", "the version", SETS(s.cmd.kind = Command::Kind::version; s.done = true)},
};
#undef SETS

const Option* find_option(const std::string& name) {
    for (const Option& o : kOptions)
        if (name == o.long_name || (!o.short_name.empty() && name == o.short_name)) return &o;
    return nullptr;
}

// The options' lines of --help: "  -e, --entry NAME=PROGRAM   text", the text from column 29.
std::string option_lines() {
    constexpr std::size_t kColumn = 29;
    std::string out;
    for (const Option& o : kOptions) {
        std::string label = o.short_name.empty() ? "      " : "  " + std::string(o.short_name) + ", ";
        label += std::string(o.long_name) + (o.value.empty() ? "" : " " + std::string(o.value));
        append_help_row(out, label, o.help, kColumn);
    }
    return out;
}

// burrow-pack info PACK / verify PACK.
Command parse_read_command(const std::vector<std::string>& args) {
    Command cmd;
    cmd.kind = args[0] == "info" ? Command::Kind::info : Command::Kind::verify;
    std::vector<std::string> rest;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "-h" || args[i] == "--help") {
            cmd.kind = Command::Kind::help;
            return cmd;
        }
        if (args[i] == "--json" && cmd.kind == Command::Kind::info) {
            cmd.json = true;
            continue;
        }
        if (args[i] == "--" && i + 1 < args.size()) {
            rest.insert(rest.end(), args.begin() + i + 1, args.end());
            break;
        }
        if (args[i].size() > 1 && args[i][0] == '-') usage_error(args[0] + ": unknown option '" + args[i] + "'");
        rest.push_back(args[i]);
    }
    if (rest.size() != 1) usage_error(args[0] + ": expected exactly one PACK (a tarball or a directory)");
    cmd.target = rest[0];
    return cmd;
}

// burrow-pack check PACK [-- ENTRY [ARG...]].
Command parse_check_command(const std::vector<std::string>& args) {
    Command cmd;
    cmd.kind = Command::Kind::check;
    std::vector<std::string> rest;
    std::size_t i = 1;
    for (; i < args.size(); ++i) {
        if (args[i] == "-h" || args[i] == "--help") {
            cmd.kind = Command::Kind::help;
            return cmd;
        }
        if (args[i] == "--") break;
        if (args[i].size() > 1 && args[i][0] == '-') usage_error("check: unknown option '" + args[i] + "'");
        rest.push_back(args[i]);
    }
    if (rest.size() != 1)
        usage_error("check: expected exactly one PACK (a tarball or a directory), then optionally -- ENTRY ARG...");
    cmd.target = rest[0];
    if (i < args.size()) {
        if (i + 1 >= args.size()) usage_error("check: '--' must be followed by the ENTRY to run (and its arguments)");
        cmd.check_entry = args[i + 1];
        cmd.check_args.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 2, args.end());
    }
    return cmd;
}

// Which options go with which format.
void check_format_options(const State& s) {
    const PackOptions& o = s.o;
    if (o.format == Format::dir && o.output == "-") usage_error("-o -: only a tarball can be written to stdout");
    if (o.format == Format::run && o.output == "-")
        usage_error("-o -: -f run writes an executable file; give its name with -o (e.g. -o hello.run)");
    if (!o.prefix_dir.empty() && o.format != Format::tarball) {
        const std::string f = std::string("-f ") + format_name(o.format);
        usage_error("--prefix-dir: only for -f tarball; " +
                    (o.format == Format::dir
                         ? std::string("-f dir's OUT is the pack's one directory already (name it with -o)")
                     : o.format == Format::run ? std::string("-f run unpacks itself into its own cache")
                                               : f + " images have a root, not a top-level directory"));
    }
    if (o.format == Format::dir && s.compression_given)
        usage_error("-C: compression applies to tarballs, not to -f dir");
    if (is_image_format(o.format)) {
        const std::string f = std::string("-f ") + format_name(o.format);
        if (o.output == "-") usage_error("-o -: " + f + " writes a file or a directory, not standard output");
        if (o.format == Format::docker && s.compression_given && o.compression != Compression::none)
            usage_error("-C " + std::string(compression_name(o.compression)) +
                        ": docker archives hold uncompressed layers; compress the archive afterwards, or use -f oci");
        if (o.format == Format::oci && o.compression == Compression::xz)
            usage_error("-C xz: OCI layers are gzip, zstd or none");
        if (o.runtime)
            usage_error("--runtime: " + f + " images run the store's programs directly; they hold no runtime");
        if (o.proot) usage_error("--proot: " + f + " images hold no runtime");
        if (!o.profiles.empty())
            usage_error("--profile: " + f + " images have no profiles; the entry's program is the image's entrypoint");
        if (!o.wrappers.empty())
            usage_error("--wrapper: " + f + " images have one root for every entry; use --slice DIR=DEST and -e");
    } else {
        if (s.max_layers_given) usage_error("--max-layers: only for " + image_formats());
        if (o.tag) usage_error("--tag: only for " + image_formats());
        const char* image_only = !o.env.empty()      ? "--env"
                                 : !o.labels.empty() ? "--label"
                                 : o.user            ? "--user"
                                 : o.workdir         ? "--workdir"
                                 : !o.cmd.empty()    ? "--cmd"
                                                     : nullptr;
        if (image_only)
            usage_error(std::string(image_only) + ": only for " + image_formats() +
                        " (a pack's entries take their environment and user from their profiles)");
    }
}

}  // namespace

void check_slice_places(const PackOptions& o) {
    // destination → the entries whose slices it holds ("" for every entry's)
    std::map<std::string, std::set<std::string>> by_dest;
    for (const auto& sl : o.slices) {
        auto& entries = by_dest[sl.destination];
        const bool clash = entries.count(sl.entry) || (!entries.empty() && (sl.entry.empty() || entries.count("")));
        if (clash) {
            if (sl.entry.empty()) usage_error("--slice: two slices have the destination " + sl.destination);
            usage_error("--wrapper: " + sl.entry + "'s slice " + sl.dir +
                        " and another slice of that entry have the destination " + sl.destination);
        }
        entries.insert(sl.entry);
    }
}

namespace {

// Slices and links that would collide in the pack.
void check_places(const PackOptions& o) {
    check_slice_places(o);
    for (const auto& sl : o.slices) {
        if (!o.store_destination.empty() &&
            (is_under(sl.destination, o.store_destination) || is_under(o.store_destination, sl.destination)))
            usage_error("--slice " + sl.dir + "=" + sl.destination + ": overlaps the store's destination " +
                        o.store_destination);
    }
    std::set<std::string> links;
    for (const auto& l : o.links) {
        const std::string top = l.link.substr(0, l.link.find('/'));
        if (top == kBinDir && !o.entries.empty())
            usage_error("-S " + l.link + ": bin/ holds the pack's entries; choose another LINK");
        if (top == kPackDir) usage_error("-S " + l.link + ": .burrow/ is the pack's own directory");
        if (!links.insert(l.link).second) usage_error("-S: link " + l.link + " given twice");
    }
    // A link inside another: one of its parent directories is a link too.
    for (const auto& l : o.links)
        for (auto slash = l.link.find('/'); slash != std::string::npos; slash = l.link.find('/', slash + 1))
            if (links.count(l.link.substr(0, slash)))
                usage_error("-S " + l.link + ": lies inside the link " + l.link.substr(0, slash));
}

// The checks that need all the options.
void check_combination(const State& s) {
    const PackOptions& o = s.o;
    if (!s.output_given) usage_error("no output: add -o OUT (or -o - for stdout)");
    if (o.items.empty() && o.slices.empty() && o.wrappers.empty())
        usage_error("nothing to pack: name store items (with --store SRC[:DEST]), --slice DIR=DEST or --wrapper FILE");
    if (!o.items.empty() && !o.store_source)
        usage_error("items given without --store SRC[:DEST]: say which directory holds them");
    check_format_options(s);
    check_places(o);
}

}  // namespace

std::string usage_text() {
    return R"(Usage: burrow-pack [OPTIONS] --store SRC[:DEST] ITEM... -o OUT
       burrow-pack [OPTIONS] --slice DIR=DEST... -o OUT
       burrow-pack [OPTIONS] --wrapper FILE... -o OUT
       burrow-pack info [--json] PACK
       burrow-pack verify PACK
       burrow-pack check PACK [-- ENTRY [ARG...]]

Make a relocatable pack: store items with their closure, the static burrow runtime and
one profile per entry. Unpack it anywhere and run ./bin/NAME.

  ITEM...                    items to pack (names, or paths under SRC or DEST), with
                             every item they reference
)" + option_lines() +
           R"(
  info [--json] PACK         what PACK holds (a tarball, a directory, a -f run file or an
                             image), from its manifest, checked; the manifest itself with [--json]
  verify PACK                check every file of PACK (any of those) against its manifest; exit 1
                             on a difference
  check PACK [-- ENTRY ARG...]
                             test PACK (a tarball, a directory or a -f run file) before
                             shipping it: unpack it into a private temporary directory and run
                             every entry with --version (or ENTRY with ARGs) with
                             BURROW_HOST=none, the host's root hidden; one line per entry, exit 1
                             if any fails

SOURCE_DATE_EPOCH sets the time stamp of every file and of the manifest (default 1).
BURROW_PACK_THREADS=N compresses gzip and zstd with N threads (default: one per CPU); the
bytes do not depend on N.
See burrow-pack(1).
)";
}

Command parse_command_line(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "info" || args[0] == "verify")) return parse_read_command(args);
    if (!args.empty() && args[0] == "check") return parse_check_command(args);
    Command cmd;
    State s{cmd, cmd.pack};
    PackOptions& o = cmd.pack;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size() && !s.done; ++i) {
        const std::string& a = args[i];
        if (options_done || a.size() < 2 || a[0] != '-') {
            o.items.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        // The option's name and an attached value ("--format=dir", "-fdir"), if any.
        std::string name, value;
        bool attached = false;
        if (a[1] == '-') {
            const auto eq = a.find('=');
            name = a.substr(0, eq);
            if (eq != std::string::npos) {
                value = a.substr(eq + 1);
                attached = true;
            }
        } else {
            name = a.substr(0, 2);
            if (a.size() > 2) {
                value = a.substr(2);
                attached = true;
            }
        }
        const Option* opt = find_option(name);
        if (!opt) usage_error("unknown option '" + a + "'");
        const bool takes_value = !opt->value.empty();
        if (!takes_value && attached) usage_error("option '" + name + "' takes no value");
        if (takes_value && !attached) {
            if (i + 1 >= args.size()) usage_error("option '" + name + "' needs a value");
            value = args[++i];
        }
        opt->run(s, name, value);
    }
    if (s.done) return cmd;
    check_combination(s);
    if (o.format == Format::docker) o.compression = Compression::none;
    return cmd;
}

}  // namespace burrow::pack
