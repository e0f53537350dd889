#include "runtime/profile/profile_merge.hpp"

#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/profile/profile_schema.hpp"

namespace burrow::profile {

namespace {

enum class Rule { keyed, union_, concat, object, replace };

// `path` is the schema path of the key: "process.env.keep" (its rule: the schema tables).
Rule rule_for(const std::string& path, const ojson& v) {
    switch (merge_rule(path)) {
        case Merge::keyed: return Rule::keyed;
        case Merge::union_: return v.is_array() ? Rule::union_ : Rule::replace;
        case Merge::concat: return Rule::concat;
        case Merge::by_value:
        case Merge::concat_entries: break;
    }
    if (v.is_object()) return Rule::object;
    return Rule::replace;
}

std::vector<std::string> split_pointer(const std::string& ptr) {
    std::vector<std::string> out;
    std::size_t i = 1;
    while (i <= ptr.size() && !ptr.empty()) {
        std::size_t j = ptr.find('/', i);
        if (j == std::string::npos) j = ptr.size();
        std::string key;
        for (std::size_t k = i; k < j; ++k) {
            if (ptr[k] == '~' && k + 1 < j) {
                key += ptr[k + 1] == '1' ? '/' : '~';
                ++k;
            } else {
                key += ptr[k];
            }
        }
        out.push_back(key);
        i = j + 1;
    }
    return out;
}

}  // namespace

ojson& Merged::list_at(ojson& dst, const std::string& k, const std::string& mptr, Src from) {
    if (!dst.contains(k) || !dst[k].is_array()) {
        erase_subtree(mptr);
        dst[k] = ojson::array();
    }
    prov_[mptr] = from;
    return dst[k];
}

void Merged::erase_subtree(const std::string& ptr) {
    prov_.erase(ptr);
    // Every pointer below `ptr` starts with ptr + "/" and sorts before ptr + "0".
    prov_.erase(prov_.lower_bound(ptr + "/"), prov_.lower_bound(ptr + "0"));
}

ojson* Merged::find(const std::string& ptr) {
    ojson* cur = &value_;
    for (const auto& key : split_pointer(ptr)) {
        if (!cur->is_object() || !cur->contains(key)) return nullptr;
        cur = &(*cur)[key];
    }
    return cur;
}

void Merged::drop_key(const std::string& obj_ptr, const std::string& key) {
    ojson* obj = find(obj_ptr);
    if (!obj || !obj->is_object() || !obj->contains(key)) return;
    obj->erase(key);
    erase_subtree(pointer_join(obj_ptr, key));
}

void Merged::drop_from_list(const std::string& list_ptr, const std::string& name) {
    ojson* list = find(list_ptr);
    if (!list || !list->is_array()) return;
    std::vector<std::pair<ojson, Src>> kept;
    for (std::size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i] == name) continue;
        auto it = prov_.find(pointer_join(list_ptr, i));
        kept.emplace_back((*list)[i], it == prov_.end() ? Src{} : it->second);
    }
    prov_.erase(prov_.lower_bound(list_ptr + "/"), prov_.lower_bound(list_ptr + "0"));
    *list = ojson::array();
    for (auto& [v, src] : kept) {
        if (src.doc >= 0) prov_[pointer_join(list_ptr, list->size())] = src;
        list->push_back(std::move(v));
    }
}

void Merged::apply(Doc& doc, int index) {
    for (const auto& ptr : doc.overrides) {
        auto keys = split_pointer(ptr);
        std::string parent;
        for (std::size_t i = 0; i + 1 < keys.size(); ++i) parent = pointer_join(parent, keys[i]);
        drop_key(parent, keys.back());
    }
    ojson& clean = doc.clean;
    if (clean.contains("process") && clean["process"].contains("env")) {
        const ojson& env = clean["process"]["env"];
        const std::string e = "/process/env";
        if (env.contains("set"))
            for (const auto& [name, v] : env["set"].items()) {
                drop_from_list(e + "/unset", name);
                drop_key(e + "/prepend", name);
                drop_key(e + "/append", name);
            }
        if (env.contains("unset"))
            for (const auto& name : env["unset"]) {
                drop_key(e + "/set", name.get<std::string>());
                drop_key(e + "/prepend", name.get<std::string>());
                drop_key(e + "/append", name.get<std::string>());
            }
    }
    merge_object(value_, clean, "", "", "", index);
    clean = nullptr;  // its values were moved into the merged document
}

// Values are moved out of `src`, not copied: each document is merged once, and with
// thousands of mounts the copies were a good part of loading.
void Merged::merge_object(ojson& dst, ojson& src, const std::string& mptr, const std::string& sptr,
                          const std::string& path, int index) {
    if (!mptr.empty()) prov_[mptr] = {index, sptr};
    // Room for every key of src: growing an ordered object copies the values in it (its
    // pairs have const keys, so they cannot be moved), the merged "mounts" list included.
    if (dst.is_object() && src.is_object()) dst.get_ref<ojson::object_t&>().reserve(dst.size() + src.size());
    for (auto& [k, v] : src.items()) {
        const std::string m = pointer_join(mptr, k), s = pointer_join(sptr, k);
        const std::string p = path.empty() ? k : path + "." + k;
        switch (rule_for(p, v)) {
            case Rule::keyed: {
                ojson& list = list_at(dst, k, m, {index, s});
                // Where each destination is in the list so far (the first entry that has it),
                // so that a layer of N entries costs N lookups, not N scans of the list.
                std::unordered_map<std::string, std::size_t> by_destination;
                by_destination.reserve(list.size() + v.size());
                auto destination = [](const ojson& e) -> const std::string* {
                    auto it = e.find("destination");
                    return it != e.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
                };
                for (std::size_t i = 0; i < list.size(); ++i)
                    if (const std::string* d = destination(list[i])) by_destination.emplace(*d, i);
                // An entry replaces the earlier layers' one at its destination (the first
                // entry of this layer there does); within a layer, entries only add: mounts
                // apply in order, a later one over an earlier one.
                for (std::size_t j = 0; j < v.size(); ++j) {
                    ojson& entry = v[j];
                    std::size_t at = list.size();
                    const std::string* d = destination(entry);
                    if (d) {
                        auto it = by_destination.find(*d);
                        if (it != by_destination.end()) {
                            at = it->second;
                            by_destination.erase(it);
                        }
                    }
                    std::string em = pointer_join(m, at);
                    if (at == list.size()) {
                        list.push_back(std::move(entry));
                    } else {
                        erase_subtree(em);
                        list[at] = std::move(entry);
                    }
                    prov_[em] = {index, pointer_join(s, j)};
                }
                break;
            }
            case Rule::union_:
            case Rule::concat: {
                ojson& list = list_at(dst, k, m, {index, s});
                for (std::size_t j = 0; j < v.size(); ++j) {
                    bool present = false;
                    if (rule_for(p, v) == Rule::union_)
                        for (const auto& e : list) present = present || e == v[j];
                    if (present) continue;
                    prov_[pointer_join(m, list.size())] = {index, pointer_join(s, j)};
                    list.push_back(std::move(v[j]));
                }
                break;
            }
            case Rule::object:
                if (!dst.contains(k) || !dst[k].is_object()) {
                    erase_subtree(m);
                    dst[k] = ojson::object();
                }
                merge_object(dst[k], v, m, s, p, index);
                break;
            case Rule::replace:
                erase_subtree(m);
                dst[k] = std::move(v);
                prov_[m] = {index, s};
                break;
        }
    }
}

Src Merged::origin(const std::string& ptr) const {
    for (std::string p = ptr;;) {
        auto it = prov_.find(p);
        if (it != prov_.end()) return {it->second.doc, it->second.ptr + ptr.substr(p.size())};
        if (p.empty()) break;
        p.resize(p.rfind('/'));
    }
    return {-1, ptr};
}

}  // namespace burrow::profile
