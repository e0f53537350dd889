#include "packer/image_plan.hpp"

#include <algorithm>
#include <ctime>
#include <regex>

namespace burrow::pack {

namespace {

// The reference grammar of github.com/distribution/reference.
const std::regex& path_component_re() {
    static const std::regex re("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    return re;
}
const std::regex& domain_re() {
    static const std::regex re(
        "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
        "(?::[0-9]+)?");
    return re;
}
const std::regex& tag_re() {
    static const std::regex re("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    return re;
}

// The position of the ':' that starts the tag, or npos.
std::size_t tag_colon(const std::string& ref) {
    const auto colon = ref.rfind(':');
    const auto slash = ref.rfind('/');
    if (colon == std::string::npos) return std::string::npos;
    if (slash != std::string::npos && colon < slash) return std::string::npos;  // a registry port
    return colon;
}

}  // namespace

std::string image_reference_problem(const std::string& ref) {
    if (ref.empty()) return "the image reference is empty; give NAME[:TAG], e.g. hello:1.0";
    if (ref.find('@') != std::string::npos) return "a digest (@sha256:…) cannot be given; give NAME[:TAG]";
    const auto colon = tag_colon(ref);
    const std::string name = ref.substr(0, colon);
    if (colon != std::string::npos) {
        const std::string tag = ref.substr(colon + 1);
        if (!std::regex_match(tag, tag_re()))
            return "the tag '" + tag +
                   "' is not valid: 1 to 128 characters from [A-Za-z0-9_.-], not starting with '.' or '-'";
    }
    if (name.empty()) return "the NAME before ':' is empty";
    if (name.size() > 255) return "the NAME is longer than 255 characters";
    std::vector<std::string> parts;
    for (std::size_t i = 0; i <= name.size();) {
        const std::size_t j = std::min(name.find('/', i), name.size());
        parts.push_back(name.substr(i, j - i));
        i = j + 1;
    }
    std::size_t first = 0;
    if (parts.size() > 1 && (parts[0].find_first_of(".:") != std::string::npos || parts[0] == "localhost")) {
        if (!std::regex_match(parts[0], domain_re())) return "the registry host '" + parts[0] + "' is not valid";
        first = 1;
    }
    for (std::size_t i = first; i < parts.size(); ++i)
        if (!std::regex_match(parts[i], path_component_re()))
            return "the name component '" + parts[i] +
                   "' is not valid: lower-case letters and digits, separated by '.', '_', '__' or '-'";
    return "";
}

ImageRef parse_image_reference(const std::string& ref) {
    const auto colon = tag_colon(ref);
    if (colon == std::string::npos) return ImageRef{ref, "latest"};
    return ImageRef{ref.substr(0, colon), ref.substr(colon + 1)};
}

std::string image_name_from(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (ok)
            out += static_cast<char>(c);
        else if (!out.empty() && out.back() != '-')
            out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    if (out.size() > 128) out.resize(128);
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? "image" : out;
}

std::string item_version(const std::string& item_name) {
    // Skip the "<hash>-" part when there is one.
    std::size_t start = 0;
    if (item_name.size() > 33 && item_name[32] == '-') start = 33;
    for (std::size_t i = start; i + 1 < item_name.size(); ++i)
        if (item_name[i] == '-' && item_name[i + 1] >= '0' && item_name[i + 1] <= '9') return item_name.substr(i + 1);
    return "";
}

std::string rfc3339_utc(std::int64_t epoch) {
    const std::time_t t = static_cast<std::time_t>(epoch);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const char* image_architecture() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__i386__)
    return "386";
#elif defined(__arm__)
    return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#else
    return "unknown";
#endif
}

std::vector<std::vector<ImageUnit>> plan_layers(std::vector<ImageUnit> units, int max_layers) {
    std::sort(units.begin(), units.end(), [](const ImageUnit& a, const ImageUnit& b) {
        if (a.item->digest.size != b.item->digest.size) return a.item->digest.size > b.item->digest.size;
        return a.base < b.base;
    });
    const std::size_t room = static_cast<std::size_t>(std::max(max_layers, 2) - 1);  // minus the last layer
    std::vector<std::vector<ImageUnit>> layers;
    if (units.size() <= room) {
        for (auto& u : units) layers.push_back({u});
        return layers;
    }
    for (std::size_t i = 0; i + 1 < room; ++i) layers.push_back({units[i]});
    std::vector<ImageUnit> rest(units.begin() + static_cast<std::ptrdiff_t>(room - 1), units.end());
    std::sort(rest.begin(), rest.end(), [](const ImageUnit& a, const ImageUnit& b) { return a.base < b.base; });
    layers.push_back(std::move(rest));
    return layers;
}

std::string blob_json(const nlohmann::json& doc) {
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

nlohmann::json labels(const ImageSettings& s) {
    nlohmann::json l = nlohmann::json::object();
    l["org.opencontainers.image.created"] = rfc3339_utc(s.created);
    if (!s.title.empty()) l["org.opencontainers.image.title"] = s.title;
    if (!s.version.empty()) l["org.opencontainers.image.version"] = s.version;
    for (const auto& [k, v] : s.labels) l[k] = v;
    l[kManifestDigestLabel] = "sha256:" + s.manifest_sha256;
    return l;
}

}  // namespace

nlohmann::json image_config(const ImageSettings& s, const std::vector<LayerDigest>& layers) {
    const std::string created = rfc3339_utc(s.created);
    nlohmann::json cfg = nlohmann::json::object();
    std::string path;
    for (const auto& d : s.path) path += (path.empty() ? "" : ":") + d;
    nlohmann::json env = nlohmann::json::array({"PATH=" + path});
    for (const auto& [k, v] : s.env) {
        if (k == "PATH")
            env[0] = "PATH=" + v;
        else
            env.push_back(k + "=" + v);
    }
    cfg["Env"] = std::move(env);
    if (!s.entrypoint.empty()) cfg["Entrypoint"] = s.entrypoint;
    if (!s.cmd.empty()) cfg["Cmd"] = s.cmd;
    cfg["Labels"] = labels(s);
    cfg["User"] = s.user;
    cfg["WorkingDir"] = s.workdir;

    nlohmann::json diff_ids = nlohmann::json::array();
    nlohmann::json history = nlohmann::json::array();
    for (const auto& l : layers) {
        diff_ids.push_back(l.diff_id);
        history.push_back(
            {{"created", created}, {"created_by", "burrow-pack " + s.packer_version}, {"comment", l.comment}});
    }
    return {{"architecture", image_architecture()},
            {"os", "linux"},
            {"created", created},
            {"config", std::move(cfg)},
            {"rootfs", {{"type", "layers"}, {"diff_ids", std::move(diff_ids)}}},
            {"history", std::move(history)}};
}

nlohmann::json docker_manifest(const std::string& config_file, const ImageRef& ref,
                               const std::vector<std::string>& layer_files) {
    return nlohmann::json::array(
        {{{"Config", config_file}, {"RepoTags", nlohmann::json::array({ref.full()})}, {"Layers", layer_files}}});
}

namespace {
nlohmann::json descriptor(const BlobRef& b) {
    return {{"mediaType", b.media_type}, {"digest", b.digest}, {"size", b.size}};
}
}  // namespace

nlohmann::json oci_manifest(const BlobRef& config, const std::vector<BlobRef>& layers, const ImageSettings& s) {
    nlohmann::json ls = nlohmann::json::array();
    for (const auto& l : layers) ls.push_back(descriptor(l));
    nlohmann::json ann = labels(s);
    return {{"schemaVersion", 2},
            {"mediaType", kMediaOciManifest},
            {"config", descriptor(config)},
            {"layers", std::move(ls)},
            {"annotations", std::move(ann)}};
}

nlohmann::json oci_index(const BlobRef& manifest, const ImageRef& ref) {
    nlohmann::json m = descriptor(manifest);
    m["annotations"] = {{"org.opencontainers.image.ref.name", ref.tag}, {"io.containerd.image.name", ref.full()}};
    m["platform"] = {{"architecture", image_architecture()}, {"os", "linux"}};
    return {{"schemaVersion", 2}, {"mediaType", kMediaOciIndex}, {"manifests", nlohmann::json::array({m})}};
}

}  // namespace burrow::pack
