#include "packer/refscan.hpp"

#include <algorithm>

#include "packer/store_names.hpp"

namespace burrow::pack {

namespace {
// Room kept between chunks for the name after "DEST/<hash>-" in messages.
constexpr std::size_t kNameSlack = 256;
}  // namespace

RefIndex::RefIndex(const std::vector<std::string>& present, std::string destination,
                   const std::vector<std::string>& unstored)
    : prefix_(std::move(destination) + "/") {
    absent_prefixes_.push_back(prefix_);
    for (const auto& d : unstored) absent_prefixes_.push_back(d + "/");
    std::size_t longest = kHashChars;
    for (const auto& name : present) {
        if (auto h = hash_part(name)) {
            by_hash_.emplace(std::string(*h), name);
        } else {
            plain_.emplace_back(prefix_ + name, name);
            longest = std::max(longest, prefix_.size() + name.size() + 1);
        }
    }
    for (const auto& p : absent_prefixes_) longest = std::max(longest, p.size() + kHashChars + 1);
    overlap_ = longest + kNameSlack;
}

const std::string* RefIndex::by_hash(std::string_view hash) const {
    auto it = by_hash_.find(hash);
    return it == by_hash_.end() ? nullptr : &it->second;
}

void RefScanner::feed(std::string_view chunk) {
    buf_.append(chunk);
    scan(false);
    const std::size_t keep = index_.overlap();
    if (buf_.size() > keep) buf_.erase(0, buf_.size() - keep);
}

void RefScanner::end_of_file() {
    scan(true);
    buf_.clear();
}

void RefScanner::scan(bool final) {
    const std::string_view s = buf_;
    const std::size_t n = s.size();
    auto b32 = [&](std::size_t i) { return is_base32_char(static_cast<unsigned char>(s[i])); };

    // Hashes: check a 32-byte window from its end, skip past any byte outside the alphabet.
    for (std::size_t i = 0; i + kHashChars <= n;) {
        std::size_t j = kHashChars;
        while (j > 0 && b32(i + j - 1)) --j;
        if (j > 0) {
            i += j;
            continue;
        }
        if (const std::string* name = index_.by_hash(s.substr(i, kHashChars))) found_.insert(*name);
        ++i;
    }

    // Items without a hash part: "DEST/NAME" followed by a byte that cannot continue a name.
    for (const auto& [pattern, name] : index_.plain()) {
        for (std::size_t pos = s.find(pattern); pos != std::string_view::npos; pos = s.find(pattern, pos + 1)) {
            const std::size_t after = pos + pattern.size();
            if (after == n ? final : !is_store_name_char(static_cast<unsigned char>(s[after]))) found_.insert(name);
        }
    }

    // "DEST/<hash>-name" whose hash is not in the store (and any under an unstored DEST).
    for (const std::string& prefix : index_.absent_prefixes()) scan_absent(prefix, final);
}

void RefScanner::scan_absent(const std::string& prefix, bool final) {
    const std::string_view s = buf_;
    const std::size_t n = s.size();
    auto b32 = [&](std::size_t i) { return is_base32_char(static_cast<unsigned char>(s[i])); };
    const bool stored = prefix == index_.prefix();
    for (std::size_t pos = s.find(prefix); pos != std::string_view::npos; pos = s.find(prefix, pos + 1)) {
        const std::size_t h = pos + prefix.size();
        if (h + kHashChars + 1 > n) break;
        bool is_hash = s[h + kHashChars] == '-';
        for (std::size_t k = h; is_hash && k < h + kHashChars; ++k) is_hash = b32(k);
        if (!is_hash || (stored && index_.by_hash(s.substr(h, kHashChars)))) continue;
        std::size_t e = h + kHashChars + 1;
        while (e < n && is_store_name_char(static_cast<unsigned char>(s[e]))) ++e;
        // Name cut by the chunk end: it will be seen whole in the next scan, unless it is
        // longer than the part we keep.
        if (e == n && !final && n - pos <= index_.overlap()) continue;
        std::string text(s.substr(pos, e - pos));
        std::string& slot = absent_[std::string(s.substr(h, kHashChars))];
        if (text.size() > slot.size()) slot = std::move(text);
    }
}

}  // namespace burrow::pack
