// The schema check of one document, shared by the files that make it up (not used outside
// them): the tables (profile_schema_tables.cpp) declare each section's keys, the JSON type
// profiles/schema.json gives them and the function that checks a value; the Checker walks
// a section's table (profile_schema.cpp), and the checks of values (profile_schema_values.cpp)
// and of whole sections (profile_schema_sections.cpp) are its member functions. The hints
// for keys spelled as in other formats are in profile_schema_hints.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/profile/mount_kinds.hpp"
#include "runtime/profile/profile_schema.hpp"
#include "runtime/profile/profile_vars.hpp"

namespace burrow::profile::schema {

using Keys = std::vector<std::string>;

class Checker;

// Checks one value at `ptr`: the value for the checked document (doc.clean), or nothing
// when there is none to keep (a problem was reported, or the key is not merged).
using CheckValue = std::optional<ojson> (*)(Checker&, const ojson& v, const std::string& ptr);

struct KeyRule {
    std::string key;
    // Its type in profiles/schema.json: a JSON type, "enum", "const", "oneOf" or
    // "$defs/NAME" (tests/unit/test_profile_schema_tables.cpp holds the two together).
    std::string_view schema;
    CheckValue check;
    Merge merge = Merge::by_value;  // how a later document's value joins (merge_rule())
    bool overlay = true;            // top level only: command-line options (an overlay) may set it
    bool merged = true;             // top level only: kept in doc.clean, so "override" may name it
};

struct Section {
    std::string dotted;    // its key path, as "override" names it ("process.env"); "" at the top
    std::string context;   // what foreign_hint() knows it as
    std::string for_what;  // said after "unknown key K": " for a store"
    std::vector<KeyRule> rules;
    Keys keys;  // the rules' keys, in table order (the "valid: …" of messages)

    Section(std::string dotted_, std::string context_, std::string for_what_, std::vector<KeyRule> rules_);
    const KeyRule* find(const std::string& key) const;
};

// The tables (profile_schema_tables.cpp).
const Section& top_section();
const Section& overlay_section();  // top_section()'s rules with overlay set
const Section& root_section();
const Section& store_section();
const Section& mount_section();       // every mount key; mount_kinds.cpp says which a type has
const Section& namespaces_section();  // from namespaces.cpp
const Section& user_section();
const Section& home_section();
const Section& limits_section();
const Section& process_section();
const Section& env_section();
const Section& limit_section();  // one limit as {"soft": …, "hard": …}
const Section& security_section();
const Section& capabilities_section();
// The sections "override" may name keys of, in the order override_paths() lists them.
const std::vector<const Section*>& overridable_sections();
// Only for "override" paths and merging: the seccomp object itself is checked by
// seccomp::validate(), so these rows have no check.
const Section& seccomp_section();

// profile_schema_hints.cpp
// The fix for a key spelled as in another format (OCI, nsjail, bubblewrap, firejail).
std::optional<std::string> foreign_hint(const std::string& context, const std::string& key, const ojson& value);
bool is_extension(const std::string& key);
// A copy without the "x-*" keys, at any depth.
ojson strip_extensions(const ojson& v);

bool contains(const Keys& keys, const std::string& k);

// profile_schema_values.cpp
extern const char* const kEnvNameRule;

// Walks a document's sections by their tables; one per document.
class Checker {
  public:
    Checker(Doc& doc, const LoadContext& ctx, Problems& out) : doc_(doc), ctx_(ctx), out_(out) {}

    // profile_schema.cpp
    void run();
    void err(const std::string& ptr, const std::string& what) { out_.add(doc_, ptr, what); }
    // The command line's options (an overlay), not a profile file.
    bool in_overlay() const { return doc_.kind == Doc::Kind::overlay; }
    static void set(ojson& obj, const std::string& key, std::optional<ojson> v) {
        if (v) obj[key] = std::move(*v);
    }
    // "x-*" keys are ignored everywhere.
    static bool ignored(const std::string& key) { return is_extension(key); }
    void collect_options(const ojson& v, const std::string& ptr);
    void unknown(const std::string& ptr, const std::string& key, const ojson& v, const Keys& known,
                 const std::string& context, const std::string& for_what);
    // An object whose keys are `s`'s: each checked by its rule, any other key unknown.
    std::optional<ojson> walk(const Section& s, const ojson& v, const std::string& ptr, const std::string& hint = "");
    void version(const ojson& v, const std::string& ptr);
    void extends(const ojson& v, const std::string& ptr);
    void override_(const ojson& v, const std::string& ptr);

    // profile_schema_values.cpp: one value of a type; a problem is reported and nothing
    // returned when it is not.
    bool object(const ojson& v, const std::string& ptr, const std::string& hint = "");
    bool array(const ojson& v, const std::string& ptr, const std::string& hint = "");
    std::optional<bool> boolean(const ojson& v, const std::string& ptr);
    std::optional<std::string> str(const ojson& v, const std::string& ptr);
    std::optional<std::string> one_of(const ojson& v, const std::string& ptr, const Keys& choices);
    std::optional<std::uint64_t> uint(const ojson& v, const std::string& ptr);
    std::optional<std::uint64_t> fd_number(const ojson& v, const std::string& ptr);  // 0 to 65535
    std::optional<double> duration(const ojson& v, const std::string& ptr);
    std::optional<std::string> octal(const ojson& v, const std::string& ptr, const std::string& example);
    std::optional<std::uint64_t> size(const ojson& v, const std::string& ptr);
    std::optional<std::string> text(const ojson& v, const std::string& ptr, Field f);
    std::optional<ojson> id(const ojson& v, const std::string& ptr);
    std::optional<ojson> limit_value(const ojson& v, const std::string& ptr);
    std::optional<ojson> name_list(const ojson& v, const std::string& ptr, bool glob);
    std::optional<ojson> hostname(const ojson& v, const std::string& ptr);
    std::optional<ojson> home(const ojson& v, const std::string& ptr);
    std::optional<ojson> profile_name(const ojson& v, const std::string& ptr);

    // profile_schema_sections.cpp: the values that are more than one type.
    std::string entry_name(const std::string& ptr) const;
    static std::string destination_ptr(const ojson& raw, const std::string& ptr);
    std::optional<ojson> root_exclude(const ojson& v, const std::string& ptr);
    std::optional<ojson> stores(const ojson& v, const std::string& ptr);
    ojson store(const ojson& v, const std::string& ptr);
    std::optional<ojson> store_items(const ojson& v, const std::string& ptr);
    std::optional<ojson> mounts(const ojson& v, const std::string& ptr);
    ojson mount(const ojson& v, const std::string& ptr);
    void overlay_keys(const ojson& v, const std::string& ptr);
    std::optional<ojson> keep_fds(const ojson& v, const std::string& ptr);
    std::optional<ojson> env(const ojson& v, const std::string& ptr);
    std::optional<ojson> env_set(const ojson& v, const std::string& ptr);
    std::optional<ojson> env_search(const ojson& v, const std::string& ptr);
    std::optional<ojson> rlimits(const ojson& v, const std::string& ptr);
    std::optional<ojson> capability_list(const ojson& v, const std::string& ptr);
    std::optional<ojson> seccomp(const ojson& v, const std::string& ptr);

    // The type of the mount whose keys are being checked (mount()), for the example in a
    // "mode" message.
    std::optional<std::string> mount_type;

  private:
    Doc& doc_;
    const LoadContext& ctx_;
    Problems& out_;
};

}  // namespace burrow::profile::schema
