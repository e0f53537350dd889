#include "packer/manifest.hpp"

#include <algorithm>

#include "packer/image_plan.hpp"
#include "packer/layout.hpp"
#include "packer/progress.hpp"
#include "packer/store_names.hpp"
#include "runtime/base/error.hpp"

namespace burrow::pack {

using nlohmann::json;

std::string member_name_problem(std::string_view path) {
    if (path.empty()) return "an empty name";
    if (path.front() == '/') return "an absolute name";
    if (path.find('\0') != std::string_view::npos) return "a NUL in its name";
    for (std::size_t i = 0; i <= path.size();) {
        const std::size_t j = std::min(path.find('/', i), path.size());
        const std::string_view c = path.substr(i, j - i);
        if (c == "..") return "a '..' component";
        if (c == ".") return "a '.' component";
        if (c.empty()) return "an empty component ('//' or a trailing '/')";
        i = j + 1;
    }
    return {};
}

namespace {

bool is_hex64(std::string_view s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool is_hex64(const json& v) { return v.is_string() && is_hex64(std::string_view(v.get_ref<const std::string&>())); }

// "string \"abc\"", "integer 3", "object", … for "got …".
std::string describe_value(const json& v) {
    switch (v.type()) {
        case json::value_t::string: {
            std::string s = v.get<std::string>();
            if (s.size() > 60) s = s.substr(0, 57) + "...";
            return "string " + json(s).dump(-1, ' ', true, json::error_handler_t::replace);
        }
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer " + v.dump();
        case json::value_t::number_float: return "number " + v.dump();
        case json::value_t::boolean: return std::string("boolean ") + (v.get<bool>() ? "true" : "false");
        case json::value_t::null: return "null";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        default: return "a value of another kind";
    }
}

// Checks one manifest, naming the JSON pointer of the first thing that is wrong.
class Checker {
  public:
    explicit Checker(const std::string& where) : prefix_(where + ": " + kManifestPath + ": ") {}

    [[noreturn]] void fail(const std::string& ptr, const std::string& what) const {
        throw Error(prefix_ + (ptr.empty() ? "/" : ptr) + ": " + what +
                        "; the pack is damaged or was not made by burrow-pack (unpack or make it again)",
                    1);
    }
    [[noreturn]] void expected(const std::string& ptr, const std::string& what, const json& got) const {
        fail(ptr, "expected " + what + ", got " + describe_value(got));
    }

    const json& key(const json& obj, const std::string& ptr, const char* k) const {
        auto it = obj.find(k);
        if (it == obj.end()) fail(ptr, std::string("the key \"") + k + "\" is missing");
        return *it;
    }
    const json& object(const json& v, const std::string& ptr) const {
        if (!v.is_object()) expected(ptr, "an object", v);
        return v;
    }
    const json& array(const json& v, const std::string& ptr) const {
        if (!v.is_array()) expected(ptr, "an array", v);
        return v;
    }
    void string(const json& v, const std::string& ptr) const {
        if (!v.is_string()) expected(ptr, "a string", v);
    }
    void hex(const json& v, const std::string& ptr) const {
        if (!is_hex64(v)) expected(ptr, "a SHA-256 (64 lowercase hex digits)", v);
    }
    void unsigned_int(const json& v, const std::string& ptr) const {
        if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
            expected(ptr, "an unsigned integer", v);
    }
    void member(const json& v, const std::string& ptr) const {
        string(v, ptr);
        const std::string why = member_name_problem(v.get_ref<const std::string&>());
        if (!why.empty()) fail(ptr, describe_value(v) + " is not a path inside the pack (" + why + ")");
    }
    void absolute(const json& v, const std::string& ptr) const {
        string(v, ptr);
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty() || s.front() != '/') expected(ptr, "an absolute path", v);
    }
    void name(const json& v, const std::string& ptr) const {
        string(v, ptr);
        const std::string why = name_problem(v.get_ref<const std::string&>());
        if (!why.empty()) fail(ptr, describe_value(v) + " is not a valid name (" + why + ")");
    }
    void strings(const json& v, const std::string& ptr) const {
        array(v, ptr);
        for (std::size_t i = 0; i < v.size(); ++i) string(v[i], ptr + "/" + std::to_string(i));
    }

    void check(const json& m) const {
        object(m, "");
        const json& format = key(m, "", "format");
        if (!format.is_number_integer()) expected("/format", "an integer", format);
        if (format.get<std::int64_t>() == 1)
            fail("/format",
                 "format 1 comes from an older burrow-pack, which does not list every file; "
                 "this burrow-pack reads format " +
                     std::to_string(kManifestFormat) + " (pack it again)");
        if (format.get<std::int64_t>() != kManifestFormat)
            fail("/format", "format " + format.dump() + " is not the format this burrow-pack reads (" +
                                std::to_string(kManifestFormat) + ")");
        string(key(object(key(m, "", "packer"), "/packer"), "/packer", "version"), "/packer/version");

        const json& runtime = key(m, "", "runtime");
        if (!runtime.is_null()) {
            object(runtime, "/runtime");
            member(key(runtime, "/runtime", "path"), "/runtime/path");
            string(key(runtime, "/runtime", "version"), "/runtime/version");
            hex(key(runtime, "/runtime", "sha256"), "/runtime/sha256");
        }
        if (auto p = m.find("proot"); p != m.end() && !p->is_null()) {
            object(*p, "/proot");
            member(key(*p, "/proot", "path"), "/proot/path");
            hex(key(*p, "/proot", "sha256"), "/proot/sha256");
        }
        const json& store = key(m, "", "store");
        if (!store.is_null()) {
            object(store, "/store");
            absolute(key(store, "/store", "destination"), "/store/destination");
            member(key(store, "/store", "path"), "/store/path");
        }

        const json& items = array(key(m, "", "items"), "/items");
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string p = "/items/" + std::to_string(i);
            object(items[i], p);
            name(key(items[i], p, "name"), p + "/name");
            member(key(items[i], p, "path"), p + "/path");
            hex(key(items[i], p, "sha256"), p + "/sha256");
            unsigned_int(key(items[i], p, "size"), p + "/size");
            strings(key(items[i], p, "references"), p + "/references");
            if (auto mt = items[i].find("mount"); mt != items[i].end()) absolute(*mt, p + "/mount");
        }
        const json& entries = array(key(m, "", "entries"), "/entries");
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const std::string p = "/entries/" + std::to_string(i);
            object(entries[i], p);
            name(key(entries[i], p, "name"), p + "/name");
            if (const json& pr = key(entries[i], p, "profile"); !pr.is_null()) member(pr, p + "/profile");
            if (const json& pg = key(entries[i], p, "program"); !pg.is_null()) absolute(pg, p + "/program");
        }
        const json& links = array(key(m, "", "links"), "/links");
        for (std::size_t i = 0; i < links.size(); ++i) {
            const std::string p = "/links/" + std::to_string(i);
            object(links[i], p);
            member(key(links[i], p, "link"), p + "/link");
            string(key(links[i], p, "target"), p + "/target");
        }
        if (auto f = m.find("files"); f != m.end()) {
            object(*f, "/files");
            const json& path = key(*f, "/files", "path");
            if (!path.is_string() || path.get_ref<const std::string&>() != kFileListPath)
                expected("/files/path", std::string("\"") + kFileListPath + "\"", path);
            hex(key(*f, "/files", "sha256"), "/files/sha256");
            unsigned_int(key(*f, "/files", "count"), "/files/count");
        }
        if (const json& c = key(m, "", "created"); !c.is_number_integer()) expected("/created", "an integer", c);
        strings(key(m, "", "arguments"), "/arguments");
    }

  private:
    std::string prefix_;
};

// Line and column (from 1) of byte offset BYTE of TEXT.
std::string position(std::string_view text, std::size_t byte) {
    byte = std::min(byte, text.size());
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < byte; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else
            ++col;
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

constexpr int kMaxDepth = 16;  // make_manifest() nests 4 deep

}  // namespace

json parse_manifest(std::string_view text, const std::string& where) {
    const std::string prefix = where + ": " + kManifestPath + ": ";
    if (text.size() > kManifestMaxBytes)
        throw Error(prefix + "larger than " + std::to_string(kManifestMaxBytes >> 20) +
                        " MiB; a manifest is far smaller (the pack is damaged or not made by burrow-pack)",
                    1);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw Error(prefix + "is empty; the pack is damaged (unpack or make it again)", 1);
    bool too_deep = false;
    const json::parser_callback_t depth = [&](int d, json::parse_event_t, json&) {
        if (d > kMaxDepth) too_deep = true;
        return !too_deep;
    };
    json m;
    try {
        m = json::parse(text.begin(), text.end(), depth);
    } catch (const json::parse_error& ex) {
        throw Error(prefix + "not valid JSON (a syntax error at " + position(text, ex.byte == 0 ? 0 : ex.byte - 1) +
                        "); the pack is damaged (unpack or make it again)",
                    1);
    } catch (const json::exception& ex) {
        // Not a parse_error but as bad: out_of_range.406, a number too large for a double
        // ("number overflow parsing '1e400'"); nlohmann gives no position for it.
        std::string what = ex.what();
        if (const auto b = what.find("] "); b != std::string::npos) what.erase(0, b + 2);
        throw Error(prefix + "not valid JSON (" + what + "); the pack is damaged (unpack or make it again)", 1);
    }
    if (too_deep)
        throw Error(prefix + "nested more than " + std::to_string(kMaxDepth) +
                        " levels deep; a manifest is not (the pack is damaged or not made by burrow-pack)",
                    1);
    Checker(where).check(m);
    return m;
}

std::vector<TreeRecord> parse_file_list(std::string_view text, const std::string& where) {
    const std::string prefix = where + ": " + kFileListPath + ": ";
    auto bad = [&](std::size_t n, const std::string& why) -> Error {
        return Error(
            prefix + "record " + std::to_string(n) + ": " + why + "; the pack is damaged (unpack or make it again)", 1);
    };
    constexpr std::string_view kHeader = "burrow-tree-1\n";
    if (text.size() > kFileListMaxBytes)
        throw Error(prefix + "larger than " + std::to_string(kFileListMaxBytes >> 20) + " MiB", 1);
    if (text.substr(0, kHeader.size()) != kHeader)
        throw Error(prefix + "does not start with \"burrow-tree-1\"; the pack is damaged (unpack or make it again)", 1);
    std::vector<TreeRecord> out;
    std::size_t pos = kHeader.size();
    auto field = [&](std::size_t n) {
        const std::size_t nul = text.find('\0', pos);
        if (nul == std::string_view::npos) throw bad(n, "truncated");
        std::string_view f = text.substr(pos, nul - pos);
        pos = nul + 1;
        return f;
    };
    for (std::size_t n = 1; pos < text.size(); ++n) {
        const std::string_view type = field(n);
        const std::string_view path = field(n);
        const std::string_view payload = field(n);
        TreeRecord r;
        r.path = std::string(path);
        r.payload = std::string(payload);
        if (type.size() != 1 || std::string_view("dfxl").find(type[0]) == std::string_view::npos)
            throw bad(n, "its type is not d, f, x or l");
        r.type = static_cast<TreeRecord::Type>(type[0]);
        if (const std::string why = member_name_problem(path); !why.empty())
            throw bad(n, json(r.path).dump(-1, ' ', true, json::error_handler_t::replace) + " has " + why);
        if ((r.type == TreeRecord::Type::file || r.type == TreeRecord::Type::exec) &&
            !is_hex64(std::string_view(r.payload)))
            throw bad(n, r.path + ": its content hash is not 64 lowercase hex digits");
        if (r.type == TreeRecord::Type::dir && !payload.empty()) throw bad(n, r.path + ": a directory with a payload");
        if (r.type == TreeRecord::Type::symlink && payload.empty())
            throw bad(n, r.path + ": a symlink without a target");
        if (!out.empty() && !tree_less(out.back().path, r.path))
            throw bad(n, r.path + ": out of tree order or listed twice");
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace burrow::pack

namespace burrow::pack {

std::string manifest_summary(const nlohmann::json& m, const std::string& pack) {
    auto str = [](const json& j, const char* k) {
        return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    std::string out = pack + ": a burrow pack, made by burrow-pack " + str(m["packer"], "version") + ", created " +
                      rfc3339_utc(m["created"].get<std::int64_t>()) + "\n";
    const json& rt = m.contains("runtime") ? m["runtime"] : json();
    if (rt.is_object())
        out += "runtime: burrow " + str(rt, "version") + " (" + str(rt, "path") + ", sha256 " +
               str(rt, "sha256").substr(0, 12) + "…)\n";
    else
        out += "runtime: none (an image: its programs run directly)\n";
    if (m.contains("proot") && m["proot"].is_object()) out += "proot: " + str(m["proot"], "path") + "\n";
    if (m.contains("store") && m["store"].is_object())
        out += "store: " + str(m["store"], "destination") + " (" + str(m["store"], "path") + " in the pack)\n";
    const json& entries = m["entries"];
    out += "entries (" + std::to_string(entries.size()) + "):\n";
    std::size_t w = 0;
    for (const auto& e : entries) w = std::max(w, str(e, "name").size());
    for (const auto& e : entries) {
        const std::string n = str(e, "name");
        out += "  bin/" + n + std::string(w - n.size() + 2, ' ') + str(e, "program") + "\n";
    }
    std::vector<const json*> items;
    std::uint64_t total = 0;
    for (const auto& it : m["items"]) {
        items.push_back(&it);
        total += it["size"].get<std::uint64_t>();
    }
    std::stable_sort(items.begin(), items.end(), [](const json* a, const json* b) {
        return (*a)["size"].get<std::uint64_t>() > (*b)["size"].get<std::uint64_t>();
    });
    out += "items (" + std::to_string(items.size()) + ", " + human_bytes(static_cast<double>(total)) + "):\n";
    for (const json* it : items) {
        std::string size = human_bytes(static_cast<double>((*it)["size"].get<std::uint64_t>()));
        if (size.size() < 10) size = std::string(10 - size.size(), ' ') + size;
        out += "  " + size + "  " + str(*it, "name");
        if (it->contains("mount")) out += "  (slice at " + str(*it, "mount") + ")";
        out += "\n";
    }
    if (m.contains("links") && !m["links"].empty()) {
        out += "links:\n";
        for (const auto& l : m["links"]) out += "  " + str(l, "link") + " -> " + str(l, "target") + "\n";
    }
    std::string args;
    for (const auto& a : m["arguments"]) args += (args.empty() ? "" : " ") + a.get<std::string>();
    out += "made with: burrow-pack " + args + "\n";
    return out;
}

}  // namespace burrow::pack
