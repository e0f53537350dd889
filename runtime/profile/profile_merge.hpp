// Merging checked profile documents in order (extends chain, then overlays), keeping for
// every value the document and JSON pointer it came from.
#pragma once

#include <map>
#include <string>

#include "runtime/profile/profile_doc.hpp"

namespace burrow::profile {

// Where a merged value was written: the document's index and the pointer inside it.
struct Src {
    int doc = -1;  // -1: nowhere (a default)
    std::string ptr;
};

class Merged {
  public:
    // Merges doc.clean on top of everything merged so far (doc.overrides first), moving
    // its values: doc.clean is left null.
    //   scalars: later wins; objects: by key; mounts/stores: concatenated, an entry with
    //   the same destination replaces the earlier one in place; name lists: union;
    //   process.args: replaced; env.prepend/append: concatenated per variable.
    //   env: a later "set" of X drops X from earlier "unset"/"prepend"/"append", and a
    //   later "unset" of X drops X from earlier "set"/"prepend"/"append".
    void apply(Doc& doc, int index);

    const ojson& value() const { return value_; }
    // The origin of the value at a merged pointer (nearest recorded ancestor).
    Src origin(const std::string& ptr) const;

  private:
    void erase_subtree(const std::string& ptr);
    // dst[k] as the list the layer's entries go into (a fresh one if dst had no list
    // there), with the layer recorded as where it comes from.
    ojson& list_at(ojson& dst, const std::string& k, const std::string& mptr, Src from);
    ojson* find(const std::string& ptr);
    void drop_key(const std::string& obj_ptr, const std::string& key);
    void drop_from_list(const std::string& list_ptr, const std::string& name);
    void merge_object(ojson& dst, ojson& src, const std::string& mptr, const std::string& sptr, const std::string& path,
                      int index);

    ojson value_ = ojson::object();
    std::map<std::string, Src> prov_;
};

}  // namespace burrow::profile
