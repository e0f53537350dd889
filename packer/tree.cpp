#include "packer/tree.hpp"

#include <algorithm>

#include "packer/sha256.hpp"

namespace burrow::pack {

bool tree_less(std::string_view a, std::string_view b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i] == b[i]) continue;
        if (a[i] == '/') return true;
        if (b[i] == '/') return false;
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
}

std::string canonical_serialisation(std::vector<TreeRecord>& records) {
    std::sort(records.begin(), records.end(),
              [](const TreeRecord& x, const TreeRecord& y) { return tree_less(x.path, y.path); });
    std::string out = "burrow-tree-1\n";
    for (const auto& r : records) {
        out += static_cast<char>(r.type);
        out += '\0';
        out += r.path;
        out += '\0';
        out += r.payload;
        out += '\0';
    }
    return out;
}

ItemDigest digest_records(std::vector<TreeRecord>& records) {
    ItemDigest d;
    Sha256 h;
    h.update(canonical_serialisation(records));
    d.raw = h.digest();
    d.sha256 = to_hex(d.raw);
    for (const auto& r : records)
        if (r.type == TreeRecord::Type::file || r.type == TreeRecord::Type::exec) d.size += r.size;
    return d;
}

}  // namespace burrow::pack
