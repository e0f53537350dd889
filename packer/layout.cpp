#include "packer/layout.hpp"

#include <algorithm>
#include <set>

#include "packer/fsutil.hpp"
#include "packer/sha256.hpp"
#include "packer/tree.hpp"
#include "runtime/base/error.hpp"

namespace burrow::pack {

std::string store_dir_in_pack(const std::string& destination) {
    return destination.empty() ? std::string() : destination.substr(1);
}

std::string json_text(const nlohmann::json& doc) {
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {
std::string slice_path(const ScannedItem& item) { return std::string(kSlicesDir) + "/" + item.name; }
}  // namespace

nlohmann::json generated_profile(const std::string& entry, const std::string& program,
                                 const std::string& store_destination, const std::vector<std::string>& items,
                                 const std::vector<PackSlice>& slices) {
    nlohmann::json p = {{"version", 1}, {"name", entry}, {"extends", "builtin:pack"}};
    if (!store_destination.empty()) {
        p["stores"] = nlohmann::json::array({{{"source", "${PACK}/" + store_dir_in_pack(store_destination)},
                                              {"destination", store_destination},
                                              {"items", items}}});
    }
    nlohmann::json mounts = nlohmann::json::array();
    for (const auto& s : slices)
        if (s.mounted_by(entry))
            mounts.push_back({{"type", "bind"},
                              {"source", "${PACK}/" + slice_path(s.item)},
                              {"destination", s.destination},
                              {"access", "ro"}});
    if (!mounts.empty()) p["mounts"] = std::move(mounts);
    p["process"] = {{"exec", program}};
    return p;
}

nlohmann::json make_manifest(const PackInputs& in) {
    nlohmann::json m;
    m["format"] = kManifestFormat;
    m["packer"] = {{"version", in.packer_version}};
    // Images (-f docker/oci) hold no runtime.
    if (in.runtime_sha256.empty())
        m["runtime"] = nullptr;
    else
        m["runtime"] = {{"path", kRuntimePath}, {"version", in.runtime_version}, {"sha256", in.runtime_sha256}};
    if (in.proot_sha256) m["proot"] = {{"path", kProotPath}, {"sha256", *in.proot_sha256}};
    if (!in.store_destination.empty())
        m["store"] = {{"destination", in.store_destination}, {"path", store_dir_in_pack(in.store_destination)}};
    else
        m["store"] = nullptr;

    auto item_json = [](const ScannedItem& it, const std::string& path) {
        nlohmann::json refs = nlohmann::json::array();
        for (const auto& r : it.references) refs.push_back(r);
        return nlohmann::json{{"name", it.name},
                              {"path", path},
                              {"sha256", it.digest.sha256},
                              {"size", it.digest.size},
                              {"references", refs}};
    };
    nlohmann::json items = nlohmann::json::array();
    const std::string store_dir = store_dir_in_pack(in.store_destination);
    for (const auto& [name, it] : in.items) items.push_back(item_json(it, store_dir + "/" + name));
    std::vector<const PackSlice*> slices;
    for (const auto& s : in.slices) slices.push_back(&s);
    std::sort(slices.begin(), slices.end(), [](auto* a, auto* b) { return a->item.name < b->item.name; });
    for (const auto* s : slices) {
        nlohmann::json j = item_json(s->item, slice_path(s->item));
        j["mount"] = s->destination;
        items.push_back(std::move(j));
    }
    m["items"] = std::move(items);

    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : in.entries) {
        nlohmann::json j = {{"name", e.name}};
        if (e.profile_text.empty())
            j["profile"] = nullptr;  // images have none
        else
            j["profile"] = std::string(kProfilesDir) + "/" + e.name + kProfileSuffix;
        j["program"] = e.program ? nlohmann::json(*e.program) : nlohmann::json(nullptr);
        entries.push_back(std::move(j));
    }
    m["entries"] = std::move(entries);

    nlohmann::json links = nlohmann::json::array();
    for (const auto& l : in.links) links.push_back({{"link", l.link}, {"target", l.target}});
    m["links"] = std::move(links);
    m["created"] = in.created;
    m["arguments"] = in.arguments;
    return m;
}

namespace {
[[noreturn]] void clash(const std::string& path) {
    throw Error("two parts of the pack claim the path " + path +
                    " (a -S link over the store, bin/ or .burrow/?); choose another LINK",
                1);
}
}  // namespace

void NodeBuilder::dir(const std::string& path, unsigned mode) {
    if (path.empty()) return;
    auto it = nodes_.find(path);
    if (it != nodes_.end()) {
        if (it->second.type != Node::Type::dir) clash(path);
        if (mode != 0) it->second.mode = mode;
        return;
    }
    parents(path);
    Node n;
    n.path = path;
    n.type = Node::Type::dir;
    n.mode = mode;
    nodes_.emplace(path, std::move(n));
}

void NodeBuilder::add(Node n) {
    parents(n.path);
    const std::string path = n.path;
    if (!nodes_.emplace(path, std::move(n)).second) clash(path);
}

std::vector<Node> NodeBuilder::finish() {
    std::vector<Node> out;
    out.reserve(nodes_.size());
    for (auto& [path, n] : nodes_) out.push_back(std::move(n));
    nodes_.clear();
    std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) { return tree_less(a.path, b.path); });
    // Identical files are stored once: later copies become hard links to the first.
    std::map<std::pair<std::string, bool>, std::string> first;
    for (auto& n : out) {
        if (n.type != Node::Type::file || n.size == 0) continue;
        auto [it, inserted] = first.emplace(std::make_pair(n.sha256, n.exec), n.path);
        if (inserted) continue;
        n.type = Node::Type::hardlink;
        n.target = it->second;
        n.host_path.clear();
        n.data.clear();
    }
    return out;
}

void NodeBuilder::parents(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash != std::string::npos) dir(path.substr(0, slash));
}

void add_item_nodes(NodeBuilder& b, const ScannedItem& item, const std::string& base) {
    for (const auto& r : item.records) {
        Node n;
        n.path = r.path.empty() ? base : base + "/" + r.path;
        const std::string host = r.path.empty() ? item.host_path : item.host_path + "/" + r.path;
        switch (r.type) {
            case TreeRecord::Type::dir: b.dir(n.path); continue;
            case TreeRecord::Type::file:
            case TreeRecord::Type::exec:
                n.type = Node::Type::file;
                n.exec = r.type == TreeRecord::Type::exec;
                n.size = r.size;
                n.sha256 = r.payload;
                n.host_path = host;
                break;
            case TreeRecord::Type::symlink:
                n.type = Node::Type::symlink;
                n.target = r.payload;
                break;
        }
        b.add(std::move(n));
    }
}

Node inline_file(const std::string& path, const std::string& data) {
    Node n;
    n.path = path;
    n.type = Node::Type::file;
    n.size = data.size();
    n.data = data;
    n.sha256 = sha256_hex(data);
    return n;
}

std::vector<Node> layout(const PackInputs& in) {
    NodeBuilder b;
    b.dir(kPackDir);
    {
        Node rt;
        rt.path = kRuntimePath;
        rt.type = Node::Type::file;
        rt.exec = true;
        rt.host_path = in.runtime_host_path;
        rt.sha256 = in.runtime_sha256;
        rt.size = in.runtime_size;
        b.add(std::move(rt));
    }
    if (in.proot_host_path) {
        Node p;
        p.path = kProotPath;
        p.type = Node::Type::file;
        p.exec = true;
        p.host_path = *in.proot_host_path;
        p.sha256 = in.proot_sha256.value_or("");
        p.size = in.proot_size;
        b.add(std::move(p));
    }
    if (!in.entries.empty()) {
        b.dir(kProfilesDir);
        b.dir(kBinDir);
    }
    for (const auto& e : in.entries) {
        b.add(inline_file(std::string(kProfilesDir) + "/" + e.name + kProfileSuffix, e.profile_text));
        Node link;
        link.path = std::string(kBinDir) + "/" + e.name;
        link.type = Node::Type::symlink;
        link.target = kEntryLinkTarget;
        b.add(std::move(link));
    }
    if (!in.store_destination.empty()) b.dir(store_dir_in_pack(in.store_destination));
    for (const auto& [name, item] : in.items)
        add_item_nodes(b, item, store_dir_in_pack(in.store_destination) + "/" + name);
    if (!in.slices.empty()) b.dir(kSlicesDir);
    for (const auto& s : in.slices) add_item_nodes(b, s.item, std::string(kSlicesDir) + "/" + s.item.name);
    for (const auto& l : in.links) {
        if (!b.has(l.resolved)) throw Error("-S " + l.link + "=…: its target " + l.resolved + " is not in the pack", 1);
        Node n;
        n.path = l.link;
        n.type = Node::Type::symlink;
        n.target = l.target;
        b.add(std::move(n));
    }
    return b.finish();
}

std::vector<TreeRecord> pack_records(const std::vector<Node>& nodes) {
    std::vector<TreeRecord> out;
    out.reserve(nodes.size());
    for (const auto& n : nodes) {
        if (n.path == kManifestPath || n.path == kFileListPath) continue;
        switch (n.type) {
            case Node::Type::dir: out.push_back(TreeRecord{n.path, TreeRecord::Type::dir, {}, 0}); break;
            case Node::Type::file:
            case Node::Type::hardlink:  // the content it shares
                out.push_back(
                    TreeRecord{n.path, n.exec ? TreeRecord::Type::exec : TreeRecord::Type::file, n.sha256, n.size});
                break;
            case Node::Type::symlink: out.push_back(TreeRecord{n.path, TreeRecord::Type::symlink, n.target, 0}); break;
        }
    }
    return out;
}

std::string file_list_text(std::vector<TreeRecord> records) { return canonical_serialisation(records); }

std::vector<Node> pack_nodes(const PackInputs& in) {
    std::vector<Node> nodes = layout(in);
    auto insert = [&nodes](Node n) {
        const auto at = std::upper_bound(nodes.begin(), nodes.end(), n.path,
                                         [](const std::string& p, const Node& x) { return tree_less(p, x.path); });
        nodes.insert(at, std::move(n));
    };
    std::vector<TreeRecord> records = pack_records(nodes);
    const std::size_t count = records.size();
    Node files = inline_file(kFileListPath, file_list_text(std::move(records)));
    nlohmann::json m = make_manifest(in);
    m["files"] = {{"path", kFileListPath}, {"sha256", files.sha256}, {"count", count}};
    insert(std::move(files));
    insert(inline_file(kManifestPath, json_text(m)));
    return nodes;
}

std::vector<Node> under_prefix(std::vector<Node> nodes, const std::string& prefix) {
    if (prefix.empty()) return nodes;
    for (auto& n : nodes) {
        n.path = prefix + "/" + n.path;
        if (n.type == Node::Type::hardlink) n.target = prefix + "/" + n.target;
    }
    Node top;
    top.path = prefix;
    top.type = Node::Type::dir;
    nodes.insert(nodes.begin(), std::move(top));
    return nodes;
}

}  // namespace burrow::pack
