#include "packer/image_write.hpp"

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/archive_out.hpp"
#include "packer/fsutil.hpp"
#include "packer/image_plan.hpp"
#include "packer/interrupt.hpp"
#include "packer/layout.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"
#include "packer/store_names.hpp"
#include "packer/tempfiles.hpp"
#include "packer/writer.hpp"

namespace burrow::pack {

namespace {

// A file for a layer tar or a compressed blob.
struct ScratchFile {
    Fd fd;             // read-write
    std::string name;  // in messages, and its key in OpenFiles
    std::string file;  // its name in Scratch's directory; empty: unnamed
};

// The layer tars and compressed blobs, next to OUT (so that a blob becomes a file of an
// OCI layout without a copy): unnamed files where the file system allows, so that a killed
// run leaves nothing; elsewhere files in a locked directory .OUT.layers-XXXXXX, made when
// first needed and removed at the end (or, after a kill, by the next run for OUT).
class Scratch {
  public:
    explicit Scratch(const std::string& out) : dir_(dirname_of(out)), base_(basename_of(out)) {
        dir_fd_ = Fd(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dir_fd_) throw_sys("cannot write the output: its directory", dir_, errno);
    }
    ~Scratch() {
        if (sub_fd_ && still_named(dir_fd_.get(), sub_name_, sub_fd_.get())) remove_tree_at(dir_fd_.get(), sub_name_);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    // `label` ("layer-0.tar") is its name in the scratch directory, or in messages.
    ScratchFile create(const std::string& label) {
        ScratchFile f;
        if (unnamed_) {
            f.fd = open_unnamed(dir_fd_.get(), dir_);
            if (f.fd) {
                f.name = "the temporary " + label + " in " + dir_;
                return f;
            }
            unnamed_ = false;
        }
        if (!sub_fd_) sub_fd_ = create_temp_dir(dir_fd_.get(), dir_, base_, TempKind::layers, 0700, sub_name_);
        f.file = label;
        f.name = join_path(join_path(dir_, sub_name_), label);
        f.fd = Fd(::openat(sub_fd_.get(), label.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!f.fd) throw_sys("cannot create", f.name, errno);
        return f;
    }

    // Gives `f` the name `name` in the directory dest_fd (`dest` in messages).
    void publish(const ScratchFile& f, int dest_fd, const std::string& name, const std::string& dest) {
        const bool ok = f.file.empty() ? link_unnamed(f.fd.get(), dest_fd, name)
                                       : ::renameat(sub_fd_.get(), f.file.c_str(), dest_fd, name.c_str()) == 0;
        if (!ok) throw_sys("cannot move a layer to", dest, errno);
    }

  private:
    std::string dir_, base_;
    Fd dir_fd_;
    bool unnamed_ = true;
    std::string sub_name_;
    Fd sub_fd_;
};

Fd create_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!fd) throw_sys("cannot create", path, errno);
    return fd;
}

void close_checked(Fd& fd, const std::string& path) {
    const int f = fd.release();
    if (::close(f) != 0) throw_sys("cannot write", path, errno);
}

std::uint64_t file_size(const ScratchFile& f) {
    struct stat st;
    if (::fstat(f.fd.get(), &st) != 0) throw_sys("cannot read", f.name, errno);
    return static_cast<std::uint64_t>(st.st_size);
}

struct LayerFile {
    ScratchFile tar;  // the uncompressed layer
    std::string diff_hex;
    std::uint64_t tar_size = 0;
    std::string comment;
};

LayerFile write_layer(const std::vector<Node>& nodes, Scratch& scratch, const std::string& label, std::int64_t epoch,
                      const std::string& comment, Progress* progress) {
    ScratchFile f = scratch.create(label);
    write_tarball(nodes, Compression::none, epoch, f.fd.get(), f.name, progress);
    std::string hex = sha256_of_fd(f.fd.get(), f.name);
    const std::uint64_t size = file_size(f);
    return LayerFile{std::move(f), std::move(hex), size, comment};
}

Node host_node(const std::string& path, const std::string& host, const std::string& hex, std::uint64_t size) {
    Node n;
    n.path = path;
    n.type = Node::Type::file;
    n.size = size;
    n.host_path = host;
    n.sha256 = hex;
    return n;
}

void write_text(const std::string& path, const std::string& text) {
    Fd fd = create_file(path);
    write_all(fd.get(), text, path);
    close_checked(fd, path);
}

void make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0777) != 0) throw_sys("cannot create", path, errno);
}

const char* layer_media_type(Compression c) {
    switch (c) {
        case Compression::gzip: return "application/vnd.oci.image.layer.v1.tar+gzip";
        case Compression::zstd: return "application/vnd.oci.image.layer.v1.tar+zstd";
        default: return "application/vnd.oci.image.layer.v1.tar";
    }
}

// ---- The image's config.

// --tag, else the first entry's name, else the first named item's (sorted) without its
// hash, each with the tag "latest".
ImageRef image_ref(const PackOptions& o, const PackInputs& in) {
    if (o.tag) return parse_image_reference(*o.tag);
    if (!o.entries.empty()) return ImageRef{image_name_from(o.entries[0].name), "latest"};
    if (in.items.empty()) return ImageRef{"image", "latest"};
    std::string n;
    for (std::size_t i = 0; i < in.arguments.size(); ++i)
        if (in.items.count(in.arguments[i])) {
            n = in.arguments[i];
            break;
        }
    if (n.empty()) n = in.items.begin()->first;
    if (hash_part(n)) n = n.substr(kHashChars + 1);
    return ImageRef{image_name_from(n), "latest"};
}

// The image reference and the settings of its config.
ImageSettings image_settings(const PackOptions& o, const PackInputs& in, const std::string& manifest,
                             std::int64_t epoch) {
    ImageSettings s;
    s.ref = image_ref(o, in);
    s.created = epoch;
    s.manifest_sha256 = sha256_hex(manifest);
    s.packer_version = in.packer_version;
    s.env = o.env;
    s.labels = o.labels;
    if (o.user) s.user = *o.user;
    if (o.workdir) s.workdir = *o.workdir;
    s.cmd = o.cmd;
    std::set<std::string> seen_dirs;
    for (const auto& e : o.entries) {
        if (s.entrypoint.empty()) s.entrypoint = {e.program};
        const std::string d = dirname_of(e.program);
        if (seen_dirs.insert(d).second) s.path.push_back(d);
    }
    if (!o.entries.empty())
        s.path.push_back("/bin");
    else
        s.path = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};
    s.title = s.ref.name.substr(s.ref.name.rfind('/') == std::string::npos ? 0 : s.ref.name.rfind('/') + 1);
    if (!o.entries.empty()) {
        // The version of the item that holds the entry point.
        const std::string& prog = o.entries[0].program;
        if (!in.store_destination.empty() && prog.rfind(in.store_destination + "/", 0) == 0) {
            const std::string rest = prog.substr(in.store_destination.size() + 1);
            s.version = item_version(rest.substr(0, rest.find('/')));
        }
    }
    return s;
}

// ---- The layers.

struct Layers {
    std::vector<LayerFile> files;  // bottom first
    std::set<std::string> paths;   // every path of the image, for the -S checks
};

// One layer for each group of items plan_layers() made.
void write_item_layers(const std::vector<std::vector<ImageUnit>>& planned, Scratch& scratch, std::int64_t epoch,
                       Layers& layers, Progress* progress) {
    for (std::size_t i = 0; i < planned.size(); ++i) {
        NodeBuilder b;
        std::string comment = "store items:";
        for (const auto& u : planned[i]) {
            add_item_nodes(b, *u.item, u.base);
            comment += " " + u.item->name;
        }
        const std::vector<Node> nodes = b.finish();
        for (const auto& n : nodes) layers.paths.insert(n.path);
        if (progress) progress->phase("layer " + std::to_string(i + 1) + "/" + std::to_string(planned.size() + 1), 0);
        layers.files.push_back(
            write_layer(nodes, scratch, "layer-" + std::to_string(i) + ".tar", epoch, comment, progress));
    }
}

Node symlink_node(const std::string& path, const std::string& target) {
    Node n;
    n.path = path;
    n.type = Node::Type::symlink;
    n.target = target;
    return n;
}

// A -S link of the image: absolute, to where its target is in the image (a slice's
// path in a pack is its destination in the image), which must exist.
Node image_link(const PackLink& l, const PackInputs& in, const std::set<std::string>& image_paths) {
    std::string target = l.resolved;
    const std::string slices = std::string(kSlicesDir) + "/";
    if (target.rfind(slices, 0) == 0) {
        const std::string rest = target.substr(slices.size());
        const std::string name = rest.substr(0, rest.find('/'));
        for (const auto& sl : in.slices)
            if (sl.item.name == name) target = sl.destination.substr(1) + rest.substr(name.size());
    }
    if (!image_paths.count(target)) throw Error("-S " + l.link + ": its target /" + target + " is not in the image", 1);
    return symlink_node(l.link, "/" + target);
}

// /etc/passwd and /etc/group naming root, nobody and the image's user: runtimes that bind
// the host's over them (Charliecloud's ch-run) need them to exist, and tools that look up
// their own user find one.
std::pair<std::string, std::string> passwd_and_group(const std::string& user) {
    const auto colon = user.find(':');
    const std::string uid = user.substr(0, colon), gid = colon == std::string::npos ? uid : user.substr(colon + 1);
    std::string passwd = "root:x:0:0:root:/root:/bin/sh\n";
    std::string group = "root:x:0:\n";
    if (uid != "0" && uid != "65534") passwd += "user:x:" + uid + ":" + gid + ":user:/tmp:/bin/sh\n";
    if (gid != "0" && gid != "65534") group += "user:x:" + gid + ":\n";
    passwd += "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    group += "nogroup:x:65534:\n";
    return {passwd, group};
}

// The last layer: parents, /tmp, the mount points and /etc files engines expect, entries,
// links, the manifest.
void write_last_layer(const PackOptions& o, const PackInputs& in, const std::string& manifest, Scratch& scratch,
                      std::int64_t epoch, Layers& layers, Progress* progress) {
    NodeBuilder b;
    // Where an earlier layer (a slice) or a -S link already has the path, that one stays.
    std::set<std::string> taken = layers.paths, links;
    for (const auto& l : in.links) taken.insert(l.link), links.insert(l.link);
    const std::string user = o.user.value_or(kDefaultImageUser);
    const auto [passwd, group] = passwd_and_group(user);
    for (const char* d : {"dev", "proc", "sys", "etc"})
        if (!taken.count(d)) b.dir(d, 0755);
    const std::pair<const char*, std::string> etc[] = {
        {"etc/passwd", passwd}, {"etc/group", group}, {"etc/hosts", ""}, {"etc/resolv.conf", ""}};
    for (const auto& [path, text] : etc)
        if (!taken.count(path) && !links.count("etc")) b.add(inline_file(path, text));
    const std::string store_dir = store_dir_in_pack(in.store_destination);
    if (!store_dir.empty()) b.dir(store_dir);
    for (const auto& sl : in.slices) b.dir(dirname_of(sl.destination).substr(1));
    b.dir("tmp", 01777);
    b.add(inline_file(kImageManifestPath, manifest));
    for (const auto& e : o.entries) {
        layers.paths.insert("bin/" + e.name);
        b.add(symlink_node("bin/" + e.name, e.program));
    }
    layers.paths.insert(kImageManifestPath);
    layers.paths.insert(".burrow");
    for (const auto& l : in.links) b.add(image_link(l, in, layers.paths));
    const std::vector<Node> nodes = b.finish();
    layers.files.push_back(
        write_layer(nodes, scratch, "layer-last.tar", epoch,
                    "parent directories, /tmp, /dev /proc /sys, /etc/passwd and group, entries, links and " +
                        std::string(kImageManifestPath),
                    progress));
}

// ---- docker load's archive: each layer's tar, the config, manifest.json.

void write_docker_archive(const std::vector<LayerFile>& layers, const ImageSettings& s, int fd, const std::string& out,
                          std::int64_t epoch, Progress* progress) {
    NodeBuilder b;
    OpenFiles open_files;
    std::vector<LayerDigest> digests;
    std::vector<std::string> files;
    for (const auto& l : layers) {
        digests.push_back(LayerDigest{"sha256:" + l.diff_hex, "sha256:" + l.diff_hex, l.tar_size, l.comment});
        const std::string file = l.diff_hex + "/layer.tar";
        files.push_back(file);
        b.add(host_node(file, l.tar.name, l.diff_hex, l.tar_size));
        open_files[l.tar.name] = l.tar.fd.get();
    }
    const std::string config = blob_json(image_config(s, digests));
    const std::string config_file = sha256_hex(config) + ".json";
    b.add(inline_file(config_file, config));
    b.add(inline_file("manifest.json", blob_json(docker_manifest(config_file, s.ref, files))));
    if (progress) progress->phase("writing the archive", 0);
    write_tarball(b.finish(), Compression::none, epoch, fd, out, progress, &open_files);
}

// ---- An OCI image layout: blobs (compressed layers, the config, the manifest),
// index.json and oci-layout.

struct Blob {
    std::string hex, data;
    std::uint64_t size = 0;
    ScratchFile file;  // none for data
};

struct OciImage {
    std::vector<Blob> blobs;
    std::string index, layout;
};

// A layer as its blob: the tar itself, or compressed into a new scratch file.
Blob layer_blob(LayerFile& l, std::size_t i, Compression c, Scratch& scratch) {
    Blob blob;
    if (c == Compression::none) {
        blob.file = std::move(l.tar);
        blob.hex = l.diff_hex;
    } else {
        blob.file = scratch.create("blob-" + std::to_string(i));
        compress_file(l.tar.fd.get(), l.tar.name, c, blob.file.fd.get(), blob.file.name);
        l.tar = ScratchFile{};  // an unnamed tar is freed here
        blob.hex = sha256_of_fd(blob.file.fd.get(), blob.file.name);
    }
    blob.size = file_size(blob.file);
    return blob;
}

OciImage oci_image(std::vector<LayerFile>& layers, const ImageSettings& s, Compression c, Scratch& scratch) {
    OciImage img;
    std::vector<LayerDigest> digests;
    std::vector<BlobRef> layer_refs;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        Blob blob = layer_blob(layers[i], i, c, scratch);
        digests.push_back(
            LayerDigest{"sha256:" + layers[i].diff_hex, "sha256:" + blob.hex, blob.size, layers[i].comment});
        layer_refs.push_back(BlobRef{layer_media_type(c), "sha256:" + blob.hex, blob.size});
        img.blobs.push_back(std::move(blob));
    }
    const std::string config = blob_json(image_config(s, digests));
    const BlobRef config_ref{kMediaOciConfig, "sha256:" + sha256_hex(config), config.size()};
    const std::string image_manifest = blob_json(oci_manifest(config_ref, layer_refs, s));
    const BlobRef manifest_ref{kMediaOciManifest, "sha256:" + sha256_hex(image_manifest), image_manifest.size()};
    img.index = blob_json(oci_index(manifest_ref, s.ref));
    img.layout = blob_json({{"imageLayoutVersion", "1.0.0"}});
    for (const std::string* t : {&config, &image_manifest})
        img.blobs.push_back(Blob{sha256_hex(*t), *t, t->size(), {}});
    return img;
}

// The layout as a tar (-o OUT.tar).
void write_oci_tar(const OciImage& img, int fd, const std::string& out, std::int64_t epoch, Progress* progress) {
    NodeBuilder b;
    OpenFiles open_files;
    b.add(inline_file("oci-layout", img.layout));
    b.add(inline_file("index.json", img.index));
    for (const auto& blob : img.blobs) {
        const std::string p = "blobs/sha256/" + blob.hex;
        if (b.has(p)) continue;
        if (!blob.file.fd) {
            b.add(inline_file(p, blob.data));
        } else {
            b.add(host_node(p, blob.file.name, blob.hex, blob.size));
            open_files[blob.file.name] = blob.file.fd.get();
        }
    }
    if (progress) progress->phase("writing the archive", 0);
    write_tarball(b.finish(), Compression::none, epoch, fd, out, progress, &open_files);
}

// The layout as a directory `root`: the layers' blobs are moved there, not copied.
// Modes 0644 and 0755 and SOURCE_DATE_EPOCH times throughout: the layout's bytes and
// metadata depend on the image alone, not on the umask or the clock.
void write_oci_dir(const OciImage& img, const std::string& root, Scratch& scratch, std::int64_t epoch,
                   const std::string& shown) {
    make_dir(root + "/blobs");
    make_dir(root + "/blobs/sha256");
    const std::string blob_dir = root + "/blobs/sha256";
    const Fd blob_dir_fd(::open(blob_dir.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!blob_dir_fd) throw_sys("cannot open", blob_dir, errno);
    for (const auto& blob : img.blobs) {
        const std::string p = blob_dir + "/" + blob.hex;
        if (path_exists(p)) continue;
        if (!blob.file.fd)
            write_text(p, blob.data);
        else
            scratch.publish(blob.file, blob_dir_fd.get(), blob.hex, p);
        settle(p, 0644, epoch, shown + "/blobs/sha256/" + blob.hex);
    }
    write_text(root + "/oci-layout", img.layout);
    write_text(root + "/index.json", img.index);
    for (const char* f : {"oci-layout", "index.json"}) settle(root + "/" + f, 0644, epoch, shown + "/" + f);
    for (const char* d : {"/blobs/sha256", "/blobs", ""}) settle(root + d, 0755, epoch, shown + d);
}

// ---- The writer of -f docker and -f oci.

enum class ImageOutput { docker, oci_tar, oci_dir };

class ImageWriter final : public PackWriter {
  public:
    // Refuses an existing OCI directory before any work.
    ImageWriter(const PackOptions& o, std::int64_t epoch, ImageOutput kind)
        : o_(o),
          epoch_(epoch),
          kind_(kind),
          out_(o.output, kind == ImageOutput::oci_dir ? OutputKind::directory : OutputKind::file, o.format),
          scratch_(o.output) {}

    std::string write(const PackInputs& in, Progress* progress) override {
        const std::string manifest = json_text(make_manifest(in));
        const ImageSettings s = image_settings(o_, in, manifest, epoch_);
        std::vector<ImageUnit> units;
        const std::string store_dir = store_dir_in_pack(in.store_destination);
        for (const auto& [name, it] : in.items) units.push_back(ImageUnit{&it, store_dir + "/" + name});
        for (const auto& sl : in.slices) units.push_back(ImageUnit{&sl.item, sl.destination.substr(1)});
        Layers layers;
        write_item_layers(plan_layers(units, o_.max_layers), scratch_, epoch_, layers, progress);
        write_last_layer(o_, in, manifest, scratch_, epoch_, layers, progress);
        check_interrupted();
        std::string summary;
        if (kind_ == ImageOutput::docker) {
            write_docker_archive(layers.files, s, out_.fd(), o_.output, epoch_, progress);
            summary = "docker image " + s.ref.full();
        } else {
            const OciImage img = oci_image(layers.files, s, o_.compression, scratch_);
            if (kind_ == ImageOutput::oci_tar)
                write_oci_tar(img, out_.fd(), o_.output, epoch_, progress);
            else
                write_oci_dir(img, out_.directory(), scratch_, epoch_, o_.output);
            summary = "OCI image " + s.ref.full();
        }
        std::uint64_t bytes = 0;
        for (const auto& u : units) bytes += u.item->digest.size;
        return "wrote " + o_.output + ": " + summary + ", " + std::to_string(layers.files.size()) + " layers, " +
               std::to_string(units.size()) + " items (" + human_bytes(static_cast<double>(bytes)) + ")";
    }

    void commit() override { out_.commit(); }

  private:
    const PackOptions& o_;
    std::int64_t epoch_;
    ImageOutput kind_;
    TempOutput out_;
    Scratch scratch_;  // made after out_, which first refuses OUT and removes stale temporaries
};

}  // namespace

bool oci_output_is_tar(const std::string& out) { return out.size() > 4 && out.compare(out.size() - 4, 4, ".tar") == 0; }

std::unique_ptr<PackWriter> open_docker_writer(const PackOptions& o, std::int64_t epoch) {
    return std::make_unique<ImageWriter>(o, epoch, ImageOutput::docker);
}

std::unique_ptr<PackWriter> open_oci_writer(const PackOptions& o, std::int64_t epoch) {
    return std::make_unique<ImageWriter>(o, epoch,
                                         oci_output_is_tar(o.output) ? ImageOutput::oci_tar : ImageOutput::oci_dir);
}

}  // namespace burrow::pack
