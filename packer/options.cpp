#include "packer/options.hpp"

#include <set>

#include "packer/fsutil.hpp"
#include "packer/image_plan.hpp"
#include "packer/store_names.hpp"
#include "runtime/error.hpp"

namespace burrow::pack {

namespace {

[[noreturn]] void usage_error(const std::string& msg) {
    throw Error(msg + "\nTry 'burrow-pack --help' for more information.", kExitUsage);
}

std::pair<std::string, std::string> split_pair(const std::string& opt, const std::string& value,
                                               const char* left, const char* right) {
    const auto eq = value.find('=');
    if (eq == std::string::npos)
        usage_error(opt + " '" + value + "': expected " + left + "=" + right);
    return {value.substr(0, eq), value.substr(eq + 1)};
}

void check_name(const std::string& opt, const std::string& name, const char* what) {
    const std::string why = name_problem(name);
    if (!why.empty()) usage_error(opt + ": " + what + " '" + name + "' is not usable: " + why);
    // Called by its own name the runtime is the burrow command line, never an entry.
    if (name == "burrow")
        usage_error(opt + ": an entry cannot be named 'burrow' (that name runs the burrow command itself); choose another NAME");
}

std::string absolute_dest(const std::string& opt, const std::string& value, const char* what) {
    const std::string norm = normalise_absolute(value);
    if (norm.empty())
        usage_error(opt + ": " + what + " '" + value + "' must be an absolute path without '..'");
    if (norm == "/") usage_error(opt + ": " + what + " cannot be '/'");
    return norm;
}

// "bin/x", "/etc" → normalised relative path; refuses "..", empty, reserved tops.
std::string relative_link(const std::string& value) {
    const std::string norm = normalise_absolute("/" + value);
    if (norm.empty() || norm == "/")
        usage_error("-S '" + value + "': LINK must name a path in the pack, without '..'");
    return norm.substr(1);
}

bool is_under(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                           path[dir.size()] == '/');
}

}  // namespace

const char* format_name(Format f) {
    switch (f) {
    case Format::tarball: return "tarball";
    case Format::dir: return "dir";
    case Format::docker: return "docker";
    case Format::oci: return "oci";
    }
    return "?";
}

bool is_image_format(Format f) { return f == Format::docker || f == Format::oci; }

const char* compression_name(Compression c) {
    switch (c) {
    case Compression::gzip: return "gzip";
    case Compression::zstd: return "zstd";
    case Compression::xz: return "xz";
    case Compression::none: return "none";
    }
    return "?";
}

std::pair<std::string, std::string> split_store_spec(const std::string& spec) {
    const auto colon = spec.rfind(':');
    if (colon != std::string::npos && colon + 1 < spec.size() && spec[colon + 1] == '/')
        return {spec.substr(0, colon), spec.substr(colon + 1)};
    return {spec, ""};
}

std::string usage_text() {
    return R"(Usage: burrow-pack [OPTIONS] --store SRC[:DEST] ITEM... -o OUT
       burrow-pack [OPTIONS] --slice DIR=DEST... -o OUT
       burrow-pack info PACK
       burrow-pack verify PACK

Make a relocatable pack: store items with their closure, the static burrow runtime and
one profile per entry. Unpack it anywhere and run ./bin/NAME.

  --store SRC[:DEST]         SRC holds the store items; DEST is where they appear
                             inside the sandbox (default: SRC)
  ITEM...                    items to pack (names, or paths under SRC or DEST), with
                             every item they reference
  --slice DIR=DEST           pack directory DIR as an item mounted at DEST inside
  -e, --entry NAME=PROGRAM   bin/NAME runs PROGRAM (a path inside the sandbox)
      --profile NAME=FILE    entry NAME uses profile FILE instead of the generated one
  -S, --symlink LINK=TARGET  add symlink LINK at the pack root pointing at TARGET
                             (relative to the pack root, or a path under DEST)
  -f, --format FORMAT        tarball (default), dir, docker (a 'docker load'
                             archive) or oci (an OCI image layout; a tar of it
                             when OUT ends in .tar)
  -C, --compression METHOD   gzip (default), zstd, xz or none (oci layers: gzip,
                             zstd or none; docker archives are not compressed)
  -o, --output OUT           where to write the pack ('-': the tarball on stdout)
      --max-layers N         docker/oci: at most N layers, 2 to 127 (default 100)
      --tag NAME[:TAG]       docker/oci: the image's name (default: the first
                             entry's name, tag latest)
      --no-closure           pack only the named items
      --runtime FILE         runtime to embed (default: 'burrow' next to burrow-pack)
      --proot FILE           ship FILE as the pack's proot, for hosts without user
                             namespaces
  -h, --help                 this text
  -V, --version              the version

  info PACK                  print the manifest of PACK (a tarball or a directory), checked
  verify PACK                check every file of PACK against its manifest; exit 1 on a difference

SOURCE_DATE_EPOCH sets the time stamp of every file and of the manifest (default 1).
See burrow-pack(1).
)";
}

Command parse_command_line(const std::vector<std::string>& args) {
    Command cmd;
    if (!args.empty() && (args[0] == "info" || args[0] == "verify")) {
        cmd.kind = args[0] == "info" ? Command::Kind::info : Command::Kind::verify;
        std::vector<std::string> rest;
        for (std::size_t i = 1; i < args.size(); ++i) {
            if (args[i] == "-h" || args[i] == "--help") { cmd.kind = Command::Kind::help; return cmd; }
            if (args[i] == "--" && i + 1 < args.size()) { rest.insert(rest.end(), args.begin() + i + 1, args.end()); break; }
            if (args[i].size() > 1 && args[i][0] == '-') usage_error(args[0] + ": unknown option '" + args[i] + "'");
            rest.push_back(args[i]);
        }
        if (rest.size() != 1) usage_error(args[0] + ": expected exactly one PACK (a tarball or a directory)");
        cmd.target = rest[0];
        return cmd;
    }

    PackOptions& o = cmd.pack;
    bool compression_given = false, format_given = false, output_given = false, max_layers_given = false;
    std::set<std::string> entry_names, profile_names;
    bool options_done = false;

    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (options_done || a.size() < 2 || a[0] != '-') {
            o.items.push_back(a);
            o.recorded_arguments.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            o.recorded_arguments.push_back(a);
            o.recorded_options.push_back(a);
            continue;
        }
        // Split into the option's name and an attached value, if any.
        std::string name, value;
        bool attached = false;
        if (a[1] == '-') {
            const auto eq = a.find('=');
            name = a.substr(0, eq);
            if (eq != std::string::npos) { value = a.substr(eq + 1); attached = true; }
        } else {
            name = a.substr(0, 2);
            if (a.size() > 2) { value = a.substr(2); attached = true; }
        }
        static const std::set<std::string> with_value = {
            "--store", "--slice", "-e", "--entry", "--profile", "-S", "--symlink", "-f", "--format",
            "-C", "--compression", "-o", "--output", "--runtime", "--proot", "--max-layers", "--tag"};
        static const std::set<std::string> flags = {"--no-closure", "-h", "--help", "-V", "--version"};
        const bool takes_value = with_value.count(name) != 0;
        if (!takes_value && !flags.count(name)) usage_error("unknown option '" + a + "'");
        if (!takes_value && attached) usage_error("option '" + name + "' takes no value");
        if (takes_value && !attached) {
            if (i + 1 >= args.size()) usage_error("option '" + name + "' needs a value");
            value = args[++i];
        }
        const bool is_output = name == "-o" || name == "--output";
        if (!is_output) {
            o.recorded_arguments.push_back(a);
            o.recorded_options.push_back(a);
            if (takes_value && !attached) {
                o.recorded_arguments.push_back(value);
                o.recorded_options.push_back(value);
            }
        }

        if (name == "-h" || name == "--help") { cmd.kind = Command::Kind::help; return cmd; }
        if (name == "-V" || name == "--version") { cmd.kind = Command::Kind::version; return cmd; }
        if (name == "--no-closure") { o.closure = false; continue; }
        if (name == "--store") {
            if (o.store_source) usage_error("--store given twice; a pack holds one store (use --slice for other directories)");
            auto [src, dest] = split_store_spec(value);
            if (src.empty()) usage_error("--store '" + value + "': SRC is empty");
            o.store_source = src;
            if (!dest.empty()) o.store_destination = absolute_dest("--store", dest, "DEST");
            continue;
        }
        if (name == "--slice") {
            auto [dir, dest] = split_pair(name, value, "DIR", "DEST");
            if (dir.empty()) usage_error("--slice '" + value + "': DIR is empty");
            o.slices.push_back(SliceOption{dir, absolute_dest("--slice", dest, "DEST")});
            continue;
        }
        if (name == "-e" || name == "--entry") {
            auto [n, prog] = split_pair(name, value, "NAME", "PROGRAM");
            check_name(name, n, "entry name");
            const std::string p = normalise_absolute(prog);
            if (p.empty() || p == "/")
                usage_error(name + " " + value + ": PROGRAM must be an absolute path inside the sandbox (e.g. /gnu/store/…/bin/" + n + ")");
            if (!entry_names.insert(n).second) usage_error(name + ": entry '" + n + "' given twice");
            o.entries.push_back(EntryOption{n, p});
            continue;
        }
        if (name == "--profile") {
            auto [n, file] = split_pair(name, value, "NAME", "FILE");
            check_name(name, n, "entry name");
            if (file.empty()) usage_error("--profile " + value + ": FILE is empty");
            if (!profile_names.insert(n).second) usage_error("--profile: entry '" + n + "' given twice");
            o.profiles.push_back(ProfileOption{n, file});
            continue;
        }
        if (name == "-S" || name == "--symlink") {
            auto [link, target] = split_pair(name, value, "LINK", "TARGET");
            if (target.empty()) usage_error(name + " " + value + ": TARGET is empty");
            o.links.push_back(LinkOption{relative_link(link), target});
            continue;
        }
        if (name == "-f" || name == "--format") {
            if (value == "tarball") o.format = Format::tarball;
            else if (value == "dir" || value == "directory") o.format = Format::dir;
            else if (value == "docker") o.format = Format::docker;
            else if (value == "oci") o.format = Format::oci;
            else usage_error(name + " '" + value + "': unknown format; use tarball, dir, docker or oci");
            format_given = true;
            continue;
        }
        if (name == "-C" || name == "--compression") {
            if (value == "gzip" || value == "gz") o.compression = Compression::gzip;
            else if (value == "zstd" || value == "zst") o.compression = Compression::zstd;
            else if (value == "xz") o.compression = Compression::xz;
            else if (value == "none") o.compression = Compression::none;
            else usage_error(name + " '" + value + "': unknown compression; use gzip, zstd, xz or none");
            compression_given = true;
            continue;
        }
        if (is_output) {
            if (value.empty()) usage_error(name + ": OUT is empty");
            if (output_given) usage_error(name + " given twice");
            o.output = value;
            output_given = true;
            continue;
        }
        if (name == "--max-layers") {
            if (value.empty() || value.size() > 4 || value.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(value) < 2 || std::stoi(value) > kMaxLayersLimit)
                usage_error("--max-layers '" + value + "': expected a number of layers from 2 to " +
                            std::to_string(kMaxLayersLimit) + " (one or more for the store items, plus the last layer)");
            o.max_layers = std::stoi(value);
            max_layers_given = true;
            continue;
        }
        if (name == "--tag") {
            const std::string why = image_reference_problem(value);
            if (!why.empty()) usage_error("--tag '" + value + "': " + why);
            o.tag = value;
            continue;
        }
        if (name == "--runtime") { o.runtime = value; continue; }
        if (name == "--proot") { o.proot = value; continue; }
    }
    (void)format_given;

    // Checks across options.
    if (!output_given) usage_error("no output: add -o OUT (or -o - for stdout)");
    if (o.items.empty() && o.slices.empty())
        usage_error("nothing to pack: name store items (with --store SRC[:DEST]) or --slice DIR=DEST");
    if (!o.items.empty() && !o.store_source)
        usage_error("items given without --store SRC[:DEST]: say which directory holds them");
    if (o.format == Format::dir && o.output == "-") usage_error("-o -: only a tarball can be written to stdout");
    if (o.format == Format::dir && compression_given) usage_error("-C: compression applies to tarballs, not to -f dir");
    if (is_image_format(o.format)) {
        const std::string f = std::string("-f ") + format_name(o.format);
        if (o.output == "-") usage_error("-o -: " + f + " writes a file or a directory, not standard output");
        if (o.format == Format::docker && compression_given && o.compression != Compression::none)
            usage_error("-C " + std::string(compression_name(o.compression)) +
                        ": docker archives hold uncompressed layers; compress the archive afterwards, or use -f oci");
        if (o.format == Format::docker) o.compression = Compression::none;
        if (o.format == Format::oci && o.compression == Compression::xz)
            usage_error("-C xz: OCI layers are gzip, zstd or none");
        if (o.runtime) usage_error("--runtime: " + f + " images run the store's programs directly; they hold no runtime");
        if (o.proot) usage_error("--proot: " + f + " images hold no runtime");
        if (!o.profiles.empty()) usage_error("--profile: " + f + " images have no profiles; the entry's program is the image's entrypoint");
    } else {
        if (max_layers_given) usage_error("--max-layers: only for -f docker and -f oci");
        if (o.tag) usage_error("--tag: only for -f docker and -f oci");
    }

    std::set<std::string> slice_dests;
    for (const auto& s : o.slices) {
        if (!slice_dests.insert(s.destination).second)
            usage_error("--slice: two slices have the destination " + s.destination);
        if (!o.store_destination.empty() &&
            (is_under(s.destination, o.store_destination) || is_under(o.store_destination, s.destination)))
            usage_error("--slice " + s.dir + "=" + s.destination + ": overlaps the store's destination " + o.store_destination);
    }
    std::set<std::string> links;
    for (const auto& l : o.links) {
        const std::string top = l.link.substr(0, l.link.find('/'));
        if (top == "bin" && !o.entries.empty())
            usage_error("-S " + l.link + ": bin/ holds the pack's entries; choose another LINK");
        if (top == ".burrow") usage_error("-S " + l.link + ": .burrow/ is the pack's own directory");
        if (!links.insert(l.link).second) usage_error("-S: link " + l.link + " given twice");
    }
    for (const auto& l : o.links)
        for (const auto& m : o.links)
            if (l.link != m.link && is_under(m.link, l.link))
                usage_error("-S " + m.link + ": lies inside the link " + l.link);
    return cmd;
}

}  // namespace burrow::pack
