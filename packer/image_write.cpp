#include "packer/image_write.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/archive_out.hpp"
#include "packer/fsutil.hpp"
#include "packer/image_plan.hpp"
#include "packer/interrupt.hpp"
#include "packer/layout.hpp"
#include "packer/pack.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"
#include "packer/store_names.hpp"

namespace burrow::pack {

namespace {

// A private directory next to OUT for the layer tars, removed with its contents.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& out) {
        std::string tmpl = join_path(dirname_of(out), "." + basename_of(out) + ".layers-XXXXXX");
        if (::mkdtemp(tmpl.data()) == nullptr) throw_sys("cannot create a temporary directory in", dirname_of(out), errno);
        path_ = tmpl;
    }
    ~ScratchDir() { remove_tree(path_); }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
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

std::uint64_t file_size(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw_sys("cannot read", path, errno);
    return static_cast<std::uint64_t>(st.st_size);
}

struct LayerFile {
    std::string tar_path;     // the uncompressed layer in the scratch directory
    std::string diff_hex;
    std::uint64_t tar_size = 0;
    std::string comment;
};

LayerFile write_layer(const std::vector<Node>& nodes, const std::string& path, std::int64_t epoch,
                      const std::string& comment, Progress* progress) {
    Fd fd = create_file(path);
    write_tarball(nodes, Compression::none, epoch, fd.get(), path, progress);
    close_checked(fd, path);
    return LayerFile{path, sha256_of_file(path), file_size(path), comment};
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

}  // namespace

bool oci_output_is_tar(const std::string& out) {
    return out.size() > 4 && out.compare(out.size() - 4, 4, ".tar") == 0;
}

std::string run_image_pack(const PackOptions& o, const std::string& self_dir, Progress* progress) {
    const std::int64_t epoch = source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));
    const bool docker = o.format == Format::docker;
    const bool oci_tar = !docker && oci_output_is_tar(o.output);
    // Refuse an existing OCI directory before any work.
    TempOutput out(o.output, docker ? Format::docker : oci_tar ? Format::tarball : Format::oci);
    const ScratchDir scratch(o.output);

    const PackInputs in = gather_inputs(o, self_dir, epoch, progress);
    const std::string manifest = json_text(make_manifest(in));
    const std::string store_dir = store_dir_in_pack(in.store_destination);

    // The image reference and the settings of its config.
    ImageSettings s;
    if (o.tag) s.ref = parse_image_reference(*o.tag);
    else if (!o.entries.empty()) s.ref = ImageRef{image_name_from(o.entries[0].name), "latest"};
    else if (!in.items.empty()) {
        // The first named item (sorted), without its hash.
        std::string n;
        for (std::size_t i = 0; i < in.arguments.size(); ++i)
            if (in.items.count(in.arguments[i])) { n = in.arguments[i]; break; }
        if (n.empty()) n = in.items.begin()->first;
        if (hash_part(n)) n = n.substr(kHashChars + 1);
        s.ref = ImageRef{image_name_from(n), "latest"};
    } else s.ref = ImageRef{"image", "latest"};
    s.created = epoch;
    s.manifest_sha256 = sha256_hex(manifest);
    s.packer_version = in.packer_version;
    std::set<std::string> seen_dirs;
    for (const auto& e : o.entries) {
        if (s.entrypoint.empty()) s.entrypoint = {e.program};
        const std::string d = dirname_of(e.program);
        if (seen_dirs.insert(d).second) s.path.push_back(d);
    }
    if (!o.entries.empty()) s.path.push_back("/bin");
    else s.path = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};
    s.title = s.ref.name.substr(s.ref.name.rfind('/') == std::string::npos ? 0 : s.ref.name.rfind('/') + 1);
    if (!o.entries.empty()) {
        // The version of the item that holds the entry point.
        const std::string& prog = o.entries[0].program;
        if (!in.store_destination.empty() && prog.rfind(in.store_destination + "/", 0) == 0) {
            const std::string rest = prog.substr(in.store_destination.size() + 1);
            s.version = item_version(rest.substr(0, rest.find('/')));
        }
    }

    // The layers of the items.
    std::vector<ImageUnit> units;
    for (const auto& [name, it] : in.items) units.push_back(ImageUnit{&it, store_dir + "/" + name});
    for (const auto& sl : in.slices) units.push_back(ImageUnit{&sl.item, sl.destination.substr(1)});
    const auto planned = plan_layers(units, o.max_layers);

    std::set<std::string> image_paths;   // every path of the image, for the -S checks
    std::vector<LayerFile> layers;
    for (std::size_t i = 0; i < planned.size(); ++i) {
        NodeBuilder b;
        std::string comment = "store items:";
        for (const auto& u : planned[i]) {
            add_item_nodes(b, *u.item, u.base);
            comment += " " + u.item->name;
        }
        const std::vector<Node> nodes = b.finish();
        for (const auto& n : nodes) image_paths.insert(n.path);
        if (progress) progress->phase("layer " + std::to_string(i + 1) + "/" + std::to_string(planned.size() + 1), 0);
        layers.push_back(write_layer(nodes, scratch.path() + "/layer-" + std::to_string(i) + ".tar", epoch, comment, progress));
    }

    // The last layer: parents, /tmp, entries, links, the manifest.
    {
        NodeBuilder b;
        if (!store_dir.empty()) b.dir(store_dir);
        for (const auto& sl : in.slices) b.dir(dirname_of(sl.destination).substr(1));
        b.dir("tmp", 01777);
        b.add(inline_file(kImageManifestPath, manifest));
        for (const auto& e : o.entries) {
            Node n;
            n.path = "bin/" + e.name;
            n.type = Node::Type::symlink;
            n.target = e.program;
            image_paths.insert(n.path);
            b.add(std::move(n));
        }
        image_paths.insert(kImageManifestPath);
        image_paths.insert(".burrow");
        for (const auto& l : in.links) {
            std::string target = l.resolved;
            const std::string slices = std::string(kSlicesDir) + "/";
            if (target.rfind(slices, 0) == 0) {
                const std::string rest = target.substr(slices.size());
                const std::string name = rest.substr(0, rest.find('/'));
                for (const auto& sl : in.slices)
                    if (sl.item.name == name) target = sl.destination.substr(1) + rest.substr(name.size());
            }
            if (!image_paths.count(target))
                throw Error("-S " + l.link + ": its target /" + target + " is not in the image", 1);
            Node n;
            n.path = l.link;
            n.type = Node::Type::symlink;
            n.target = "/" + target;
            b.add(std::move(n));
        }
        const std::vector<Node> nodes = b.finish();
        layers.push_back(write_layer(nodes, scratch.path() + "/layer-last.tar", epoch,
                                     "parent directories, /tmp, entries, links and " + std::string(kImageManifestPath),
                                     progress));
    }
    check_interrupted();

    std::vector<LayerDigest> digests;
    std::string summary;
    if (docker) {
        NodeBuilder b;
        std::vector<std::string> files;
        for (const auto& l : layers) {
            digests.push_back(LayerDigest{"sha256:" + l.diff_hex, "sha256:" + l.diff_hex, l.tar_size, l.comment});
            const std::string file = l.diff_hex + "/layer.tar";
            files.push_back(file);
            b.add(host_node(file, l.tar_path, l.diff_hex, l.tar_size));
        }
        const std::string config = blob_json(image_config(s, digests));
        const std::string config_file = sha256_hex(config) + ".json";
        b.add(inline_file(config_file, config));
        b.add(inline_file("manifest.json", blob_json(docker_manifest(config_file, s.ref, files))));
        if (progress) progress->phase("writing the archive", 0);
        write_tarball(b.finish(), Compression::none, epoch, out.fd(), o.output, progress);
        summary = "docker image " + s.ref.full();
    } else {
        // Blobs: compressed layers, then the config and the manifest.
        struct Blob {
            std::string hex, host, data;
            std::uint64_t size = 0;
        };
        std::vector<Blob> blobs;
        std::vector<BlobRef> layer_refs;
        for (std::size_t i = 0; i < layers.size(); ++i) {
            const LayerFile& l = layers[i];
            Blob blob;
            if (o.compression == Compression::none) {
                blob.host = l.tar_path;
            } else {
                blob.host = scratch.path() + "/blob-" + std::to_string(i);
                Fd fd = create_file(blob.host);
                compress_file(l.tar_path, o.compression, fd.get(), blob.host);
                close_checked(fd, blob.host);
            }
            blob.hex = blob.host == l.tar_path ? l.diff_hex : sha256_of_file(blob.host);
            blob.size = file_size(blob.host);
            digests.push_back(LayerDigest{"sha256:" + l.diff_hex, "sha256:" + blob.hex, blob.size, l.comment});
            layer_refs.push_back(BlobRef{layer_media_type(o.compression), "sha256:" + blob.hex, blob.size});
            blobs.push_back(std::move(blob));
        }
        const std::string config = blob_json(image_config(s, digests));
        const BlobRef config_ref{kMediaOciConfig, "sha256:" + sha256_hex(config), config.size()};
        const std::string image_manifest = blob_json(oci_manifest(config_ref, layer_refs, s));
        const BlobRef manifest_ref{kMediaOciManifest, "sha256:" + sha256_hex(image_manifest), image_manifest.size()};
        const std::string index = blob_json(oci_index(manifest_ref, s.ref));
        const std::string layout = blob_json({{"imageLayoutVersion", "1.0.0"}});
        for (const std::string* t : {&config, &image_manifest}) blobs.push_back(Blob{sha256_hex(*t), "", *t, t->size()});

        if (oci_tar) {
            NodeBuilder b;
            b.add(inline_file("oci-layout", layout));
            b.add(inline_file("index.json", index));
            for (const auto& blob : blobs) {
                const std::string p = "blobs/sha256/" + blob.hex;
                if (b.has(p)) continue;
                b.add(blob.host.empty() ? inline_file(p, blob.data) : host_node(p, blob.host, blob.hex, blob.size));
            }
            if (progress) progress->phase("writing the archive", 0);
            write_tarball(b.finish(), Compression::none, epoch, out.fd(), o.output, progress);
        } else {
            const std::string root = out.path();
            make_dir(root + "/blobs");
            make_dir(root + "/blobs/sha256");
            const mode_t mask = ::umask(0);
            ::umask(mask);
            for (const auto& blob : blobs) {
                const std::string p = root + "/blobs/sha256/" + blob.hex;
                if (path_exists(p)) continue;
                if (blob.host.empty()) {
                    write_text(p, blob.data);
                } else {
                    if (::rename(blob.host.c_str(), p.c_str()) != 0) throw_sys("cannot move a layer to", p, errno);
                    if (::chmod(p.c_str(), 0666 & ~mask) != 0) throw_sys("cannot set the mode of", p, errno);
                }
            }
            write_text(root + "/oci-layout", layout);
            write_text(root + "/index.json", index);
        }
        summary = "OCI image " + s.ref.full();
    }
    check_interrupted();
    out.commit();
    if (progress) progress->finish();

    std::uint64_t bytes = 0;
    for (const auto& u : units) bytes += u.item->digest.size;
    return "wrote " + o.output + ": " + summary + ", " + std::to_string(layers.size()) + " layers, " +
           std::to_string(units.size()) + " items (" + human_bytes(static_cast<double>(bytes)) + ")";
}

}  // namespace burrow::pack
