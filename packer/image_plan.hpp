// Container images from the pack's inputs (-f docker, -f oci): which store items go into
// which layer, the image reference, and the JSON documents (image config, docker
// manifest.json, OCI manifest and index). Pure: the layer tars are written by
// image_write.cpp, which hands back their digests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "packer/item_scan.hpp"
#include "runtime/base/pack_layout.hpp"

namespace burrow::pack {

// Label with the sha256 of the pack manifest (stored in the image at kImageManifestPath).
inline constexpr const char* kManifestDigestLabel = "burrow.pack.manifest.digest";
// Who an image runs as unless --user says: not root, numeric (no /etc/passwd entry needed),
// the overflow id that every Linux knows as nobody.
inline constexpr const char* kDefaultImageUser = "65534:65534";
inline constexpr const char* kImageManifestPath = kManifestPath;

inline constexpr const char* kMediaOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kMediaOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kMediaOciConfig = "application/vnd.oci.image.config.v1+json";

// Why "NAME[:TAG]" is not a usable image reference (docker's grammar: lower-case path
// components separated by '/', an optional registry host first, a tag of at most 128
// characters from [A-Za-z0-9_.-] not starting with '.' or '-'); empty when it is.
std::string image_reference_problem(const std::string& ref);

struct ImageRef {
    std::string name, tag;
    std::string full() const { return name + ":" + tag; }
};
// Splits a reference that passed image_reference_problem(); the tag defaults to "latest".
ImageRef parse_image_reference(const std::string& ref);

// A name usable as an image name made from an entry or item name: lower case, characters
// outside [a-z0-9._-] become '-', separators trimmed; "image" when nothing is left.
std::string image_name_from(const std::string& text);

// "<hash>-hello-2.12.1" → "2.12.1"; "" when the name carries no version (Nix's rule:
// the version starts at the first '-' followed by a digit).
std::string item_version(const std::string& item_name);

// "1970-01-01T00:00:01Z"
std::string rfc3339_utc(std::int64_t epoch);

// The OCI/Go name of the architecture this packer was built for ("amd64", "arm64"…).
const char* image_architecture();

// One store item (or slice) in the image: its contents appear at `base` (relative to
// the image root, e.g. "gnu/store/<item>").
struct ImageUnit {
    const ScannedItem* item = nullptr;
    std::string base;
};

// Layers for the units, bottom first, leaving room for the last layer (links, parents,
// manifest): units sorted by size, largest first (ties by base), each in its own layer
// while there is room; with more units than max_layers - 1, the first max_layers - 2 get
// a layer each and the rest share one. Each layer's units are in base order.
// max_layers is 2…127 (checked by the option parser).
std::vector<std::vector<ImageUnit>> plan_layers(std::vector<ImageUnit> units, int max_layers);

struct LayerDigest {
    std::string diff_id;     // "sha256:<hex>" of the uncompressed tar
    std::string digest;      // "sha256:<hex>" of the blob as stored (compressed for OCI)
    std::uint64_t size = 0;  // of the blob as stored
    std::string comment;     // history: what the layer holds
};

struct ImageSettings {
    ImageRef ref;
    std::int64_t created = 1;
    std::vector<std::string> entrypoint;  // empty: none
    std::vector<std::string> path;        // PATH directories, in order
    std::string title, version;           // labels, when not empty
    std::string manifest_sha256;          // hex
    std::string packer_version;
    std::vector<std::pair<std::string, std::string>> env, labels;  // --env, --label, in order
    std::string user = kDefaultImageUser;                          // --user
    std::string workdir = "/";                                     // --workdir
    std::vector<std::string> cmd;                                  // --cmd
};

// The image config (OCI image-spec "config", which docker reads too).
nlohmann::json image_config(const ImageSettings& s, const std::vector<LayerDigest>& layers);

// docker's manifest.json: [{"Config":…,"RepoTags":[…],"Layers":[…]}].
nlohmann::json docker_manifest(const std::string& config_file, const ImageRef& ref,
                               const std::vector<std::string>& layer_files);

struct BlobRef {
    std::string media_type, digest;
    std::uint64_t size = 0;
};
nlohmann::json oci_manifest(const BlobRef& config, const std::vector<BlobRef>& layers, const ImageSettings& s);
nlohmann::json oci_index(const BlobRef& manifest, const ImageRef& ref);

// Compact JSON text (sorted keys), as stored in blobs: its sha256 is the blob's digest.
std::string blob_json(const nlohmann::json& doc);

}  // namespace burrow::pack
