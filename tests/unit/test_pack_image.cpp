// burrow-pack -f docker / -f oci: image references, layer planning, the JSON documents,
// and the image options.
#include <doctest/doctest.h>

#include "packer/image_plan.hpp"
#include "packer/options.hpp"
#include "pack_options_support.hpp"
#include "runtime/base/error.hpp"

using namespace burrow::pack;
using V = std::vector<std::string>;
using pack_test::contains;
using pack_test::error_of;

namespace {

ScannedItem item(const std::string& name, std::uint64_t size) {
    ScannedItem it;
    it.name = name;
    it.digest.size = size;
    return it;
}

// The item names of each planned layer.
std::vector<V> names(const std::vector<std::vector<ImageUnit>>& layers) {
    std::vector<V> out;
    for (const auto& l : layers) {
        V v;
        for (const auto& u : l) v.push_back(u.item->name);
        out.push_back(v);
    }
    return out;
}

}  // namespace

TEST_CASE("image: references") {
    CHECK(image_reference_problem("hello") == "");
    CHECK(image_reference_problem("hello:1.0") == "");
    CHECK(image_reference_problem("my-org/hello_world:v1.2-rc.3") == "");
    CHECK(image_reference_problem("registry.example.com:5000/team/hello:latest") == "");
    CHECK(image_reference_problem("localhost/hello") == "");
    CHECK(image_reference_problem("a__b.c-d") == "");
    CHECK(contains(image_reference_problem(""), "empty"));
    CHECK(contains(image_reference_problem("Hello"), "'Hello' is not valid"));
    CHECK(contains(image_reference_problem("hello:"), "tag '' is not valid"));
    CHECK(contains(image_reference_problem("hello:.x"), "not valid"));
    CHECK(contains(image_reference_problem("hello:-x"), "not valid"));
    CHECK(contains(image_reference_problem("hello:" + std::string(129, 'a')), "not valid"));
    CHECK(image_reference_problem("hello:" + std::string(128, 'a')) == "");
    CHECK(contains(image_reference_problem(":tag"), "NAME before ':' is empty"));
    CHECK(contains(image_reference_problem("a//b"), "component '' is not valid"));
    CHECK(contains(image_reference_problem("-a"), "not valid"));
    CHECK(contains(image_reference_problem("a-"), "not valid"));
    CHECK(contains(image_reference_problem("hello@sha256:00"), "digest"));
    CHECK(contains(image_reference_problem("bad_host:x:1/a"), "not valid"));
    CHECK(contains(image_reference_problem(std::string(256, 'a')), "longer than 255"));

    CHECK(parse_image_reference("hello").full() == "hello:latest");
    CHECK(parse_image_reference("hello:1.0").tag == "1.0");
    const ImageRef r = parse_image_reference("localhost:5000/x/hello");
    CHECK(r.name == "localhost:5000/x/hello");
    CHECK(r.tag == "latest");
    const ImageRef r2 = parse_image_reference("localhost:5000/hello:2");
    CHECK(r2.name == "localhost:5000/hello");
    CHECK(r2.tag == "2");
}

TEST_CASE("image: default names, versions, dates") {
    CHECK(image_name_from("hello") == "hello");
    CHECK(image_name_from("Hello World!") == "hello-world");
    CHECK(image_name_from("--x--") == "x");
    CHECK(image_name_from("++") == "image");
    CHECK(image_reference_problem(image_name_from("A.b_C")) == "");
    CHECK(item_version("k613kh7wv6l3x4wjml3x2c4j2jzg06gh-hello-1.0") == "1.0");
    CHECK(item_version("k613kh7wv6l3x4wjml3x2c4j2jzg06gh-hello-2.12.1-doc") == "2.12.1-doc");
    CHECK(item_version("k613kh7wv6l3x4wjml3x2c4j2jzg06gh-glibc-fixture") == "");
    CHECK(item_version("python3-3.11") == "3.11");
    CHECK(rfc3339_utc(1) == "1970-01-01T00:00:01Z");
    CHECK(rfc3339_utc(1700000000) == "2023-11-14T22:13:20Z");
}

TEST_CASE("image: layers, largest first, the rest shared") {
    const ScannedItem a = item("a", 10), b = item("b", 300), c = item("c", 20), d = item("d", 300), e = item("e", 5);
    const std::vector<ImageUnit> units = {{&a, "s/a"}, {&b, "s/b"}, {&c, "s/c"}, {&d, "s/d"}, {&e, "s/e"}};

    // Room for all: one each, by size then by path.
    CHECK(names(plan_layers(units, 100)) == std::vector<V>{{"b"}, {"d"}, {"c"}, {"a"}, {"e"}});
    CHECK(names(plan_layers(units, 6)) == std::vector<V>{{"b"}, {"d"}, {"c"}, {"a"}, {"e"}});
    // One short: the two smallest share.
    CHECK(names(plan_layers(units, 5)) == std::vector<V>{{"b"}, {"d"}, {"c"}, {"a", "e"}});
    CHECK(names(plan_layers(units, 3)) == std::vector<V>{{"b"}, {"a", "c", "d", "e"}});
    // Two layers in all: every item in one, then the last layer.
    CHECK(names(plan_layers(units, 2)) == std::vector<V>{{"a", "b", "c", "d", "e"}});
    // The order the units come in does not matter.
    const std::vector<ImageUnit> reversed(units.rbegin(), units.rend());
    CHECK(names(plan_layers(reversed, 3)) == names(plan_layers(units, 3)));
    CHECK(plan_layers({}, 100).empty());
}

TEST_CASE("image: config, docker manifest, OCI manifest and index") {
    ImageSettings s;
    s.ref = ImageRef{"hello", "1.0"};
    s.created = 1;
    s.entrypoint = {"/gnu/store/x-hello/bin/hello"};
    s.path = {"/gnu/store/x-hello/bin", "/bin"};
    s.title = "hello";
    s.manifest_sha256 = std::string(64, 'a');
    s.packer_version = "0.1.0";
    const std::vector<LayerDigest> layers = {{"sha256:11", "sha256:21", 5, "store items: x-hello"},
                                             {"sha256:12", "sha256:22", 6, "last"}};
    const nlohmann::json cfg = image_config(s, layers);
    CHECK(cfg["created"] == "1970-01-01T00:00:01Z");
    CHECK(cfg["os"] == "linux");
    CHECK(cfg["rootfs"]["type"] == "layers");
    CHECK(cfg["rootfs"]["diff_ids"] == nlohmann::json::array({"sha256:11", "sha256:12"}));
    CHECK(cfg["history"].size() == 2);
    CHECK(cfg["history"][0]["comment"] == "store items: x-hello");
    CHECK(cfg["config"]["Entrypoint"] == nlohmann::json::array({"/gnu/store/x-hello/bin/hello"}));
    CHECK(cfg["config"]["Env"] == nlohmann::json::array({"PATH=/gnu/store/x-hello/bin:/bin"}));
    CHECK(cfg["config"]["Labels"]["org.opencontainers.image.title"] == "hello");
    CHECK(!cfg["config"]["Labels"].contains("org.opencontainers.image.version"));
    CHECK(cfg["config"]["Labels"][kManifestDigestLabel] == "sha256:" + std::string(64, 'a'));
    CHECK(cfg["config"]["User"] == "65534:65534");
    CHECK(cfg["config"]["WorkingDir"] == "/");
    CHECK(!cfg["config"].contains("Cmd"));
    s.entrypoint.clear();
    CHECK(!image_config(s, layers)["config"].contains("Entrypoint"));
    s.env = {{"A", "1"}, {"PATH", "/p"}};
    s.labels = {{"k", "v"}};
    s.user = "0";
    s.workdir = "/w";
    s.cmd = {"a", "b"};
    const nlohmann::json c2 = image_config(s, layers)["config"];
    CHECK(c2["Env"] == nlohmann::json::array({"PATH=/p", "A=1"}));
    CHECK(c2["Labels"]["k"] == "v");
    CHECK(c2["Labels"][kManifestDigestLabel] == "sha256:" + std::string(64, 'a'));
    CHECK(c2["User"] == "0");
    CHECK(c2["WorkingDir"] == "/w");
    CHECK(c2["Cmd"] == nlohmann::json::array({"a", "b"}));

    const nlohmann::json dm = docker_manifest("c.json", s.ref, {"1/layer.tar", "2/layer.tar"});
    CHECK(dm.dump() == R"([{"Config":"c.json","Layers":["1/layer.tar","2/layer.tar"],"RepoTags":["hello:1.0"]}])");

    const nlohmann::json om = oci_manifest(BlobRef{kMediaOciConfig, "sha256:c", 9},
                                           {BlobRef{"application/vnd.oci.image.layer.v1.tar+gzip", "sha256:21", 5}}, s);
    CHECK(om["schemaVersion"] == 2);
    CHECK(om["mediaType"] == kMediaOciManifest);
    CHECK(om["config"]["digest"] == "sha256:c");
    CHECK(om["config"]["size"] == 9);
    CHECK(om["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip");
    const nlohmann::json idx = oci_index(BlobRef{kMediaOciManifest, "sha256:m", 7}, s.ref);
    CHECK(idx["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "1.0");
    CHECK(idx["manifests"][0]["digest"] == "sha256:m");
    // Compact, sorted: the digest is of exactly these bytes.
    CHECK(blob_json({{"b", 1}, {"a", 2}}) == R"({"a":2,"b":1})");
}

TEST_CASE("image: options") {
    const Command c =
        parse_command_line({"--store", "/s", "x", "-f", "docker", "--max-layers", "2", "--tag", "hi:1", "-o", "o.tar"});
    CHECK(c.pack.format == Format::docker);
    CHECK(c.pack.compression == Compression::none);
    CHECK(c.pack.max_layers == 2);
    CHECK(*c.pack.tag == "hi:1");
    const Command d = parse_command_line({"--store", "/s", "x", "-f", "oci", "-C", "zstd", "-o", "dir"});
    CHECK(d.pack.format == Format::oci);
    CHECK(d.pack.compression == Compression::zstd);
    CHECK(d.pack.max_layers == kDefaultMaxLayers);
    CHECK(kDefaultMaxLayers == 100);  // burrow-pack(1): "2 to 125 (default 100)"
    CHECK(!d.pack.tag);
    CHECK(is_image_format(Format::oci));
    CHECK(!is_image_format(Format::dir));

    CHECK(contains(error_of({"--store", "/s", "x", "-f", "docker", "--max-layers", "1", "-o", "o"}), "from 2 to 125"));
    CHECK(
        contains(error_of({"--store", "/s", "x", "-f", "docker", "--max-layers", "126", "-o", "o"}), "from 2 to 125"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "docker", "--max-layers", "-3", "-o", "o"}), "--max-layers"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "docker", "--tag", "A:1", "-o", "o"}), "--tag 'A:1'"));
    CHECK(contains(error_of({"--store", "/s", "x", "--max-layers", "3", "-o", "o"}), "only for -f docker and -f oci"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "oci", "-C", "xz", "-o", "o"}), "gzip, zstd or none"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "docker", "-C", "zstd", "-o", "o"}), "uncompressed layers"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "docker", "--runtime", "/b", "-o", "o"}), "hold no runtime"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "oci", "--profile", "a=f", "-o", "o"}), "no profiles"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "oci", "-o", "-"}), "not standard output"));

    const Command e = parse_command_line({"--store", "/s", "x", "-f", "oci", "--env", "A=b=c", "--label", "k=v",
                                          "--user", "1000", "--workdir", "/w", "--cmd", "-x", "--cmd", "y", "-o", "o"});
    CHECK(e.pack.env == std::vector<std::pair<std::string, std::string>>{{"A", "b=c"}});
    CHECK(e.pack.labels == std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
    CHECK(*e.pack.user == "1000");
    CHECK(*e.pack.workdir == "/w");
    CHECK(e.pack.cmd == V{"-x", "y"});
    auto img = [](std::initializer_list<std::string> extra) {
        std::vector<std::string> a = {"--store", "/s", "x", "-f", "docker", "-o", "o"};
        a.insert(a.end(), extra);
        return error_of(a);
    };
    CHECK(contains(img({"--user", "1000:"}), "expected UID or UID:GID"));
    CHECK(contains(img({"--user", "-1"}), "expected UID or UID:GID"));
    CHECK(contains(img({"--env", "=x"}), "VAR is empty"));
    CHECK(contains(img({"--env", "A=1", "--env", "A=2"}), "--env A given twice"));
    CHECK(contains(img({"--workdir", "rel"}), "--workdir"));
    for (const char* opt : {"--env", "--label", "--user", "--workdir", "--cmd"}) {
        const std::string v = std::string(opt) == "--user" ? "1" : std::string(opt) == "--workdir" ? "/w" : "a=b";
        CHECK(contains(error_of({"--store", "/s", "x", opt, v, "-o", "o"}),
                       std::string(opt) + ": only for -f docker and -f oci"));
    }
}
