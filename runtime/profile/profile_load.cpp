// load_profile(): the extends chain, overlays, and the order of the stages.
#include "runtime/profile/profile_load.hpp"

#include <cerrno>
#include <memory>
#include <set>

#include "runtime/base/path.hpp"
#include "runtime/base/error.hpp"
#include "runtime/profile/profile_doc.hpp"
#include "runtime/profile/profile_merge.hpp"
#include "runtime/profile/profile_read.hpp"
#include "runtime/profile/profile_schema.hpp"
#include "runtime/profile/profile_typed.hpp"

namespace burrow {

namespace {

using profile::Doc;
using profile::ojson;
using profile::Problems;

constexpr int kMaxDepth = 8;
// For messages only: the bases profiles/builtin/ ships.
const char* const kKnownBuiltins = "builtin:pack, builtin:sandbox";

// The launcher passes its physical cwd as PWD; the loader itself asks the system nothing.
std::string absolute_dir_of(const std::string& file, const LoadContext& ctx) {
    if (!file.empty() && file[0] == '/') return dirname_trimmed(normalise_absolute(file));
    auto pwd = ctx.var("PWD");
    if (!pwd || pwd->empty() || (*pwd)[0] != '/')
        return dirname_trimmed(file);  // relative: ${PROFILE_DIR} then fails the absolute-path check
    return dirname_trimmed(normalise_absolute(*pwd + "/" + file));
}

// An overlay as the loader's ordered JSON. nlohmann::json keeps an object's keys sorted,
// so that is the order they get. Taken apart as it goes (strings are moved, each part is
// freed once converted): the command line's overlay can hold thousands of mounts, and a
// copy beside it made loading them slower than all the checks.
ojson ordered(nlohmann::json&& v) {
    using T = nlohmann::json::value_t;
    switch (v.type()) {
        case T::object: {
            ojson out = ojson::object();
            auto& members = out.get_ref<ojson::object_t&>();
            members.reserve(v.size());
            for (auto& [key, value] : v.get_ref<nlohmann::json::object_t&>())
                members.emplace_back(key, ordered(std::move(value)));
            v = nullptr;
            return out;
        }
        case T::array: {
            ojson out = ojson::array();
            auto& items = out.get_ref<ojson::array_t&>();
            items.reserve(v.size());
            for (auto& item : v) items.push_back(ordered(std::move(item)));
            v = nullptr;
            return out;
        }
        case T::string: return ojson(std::move(v.get_ref<std::string&>()));
        default: return ojson(v);  // numbers, booleans, null: nothing to move
    }
}

std::string file_id(const profile::FileText& f) {
    return "file:" + std::to_string(f.dev) + ":" + std::to_string(f.ino);
}

class Loader {
  public:
    Loader(const LoadContext& ctx, Problems& out) : ctx_(ctx), out_(out) {}

    std::vector<std::unique_ptr<Doc>> docs;  // in merge order: bases first

    void load_top(const std::string& ref) {
        auto doc = std::make_unique<Doc>();
        doc->file = ref;
        if (ref.rfind("builtin:", 0) == 0) {
            doc->kind = Doc::Kind::builtin;
            const char* text = builtin_profile_text(ref.substr(8));
            if (!text) {
                out_.add(ref + ": unknown built-in profile (known: " + kKnownBuiltins + ")");
                return;
            }
            visit(std::move(doc), text, ref, 0);
            return;
        }
        doc->dir = absolute_dir_of(ref, ctx_);
        auto f = profile::read_file(ref, *doc, out_);
        if (f.status == profile::FileText::Status::cannot_open) {
            out_.add(ref + ": cannot open: " + errno_text(f.err));
            return;
        }
        if (f.status != profile::FileText::Status::ok) return;
        visit(std::move(doc), std::move(f.text), file_id(f), 0);
    }

  private:
    struct Frame {
        std::string id, name;
    };

    void visit(std::unique_ptr<Doc> doc, std::string text, const std::string& id, int depth) {
        auto parsed = profile::parse_text(std::move(text), *doc, out_);
        if (!parsed) return;
        doc->raw = std::move(*parsed);
        profile::check_document(*doc, ctx_, out_);
        stack_.push_back({id, doc->file});
        for (const auto& ref : doc->extends) extend(*doc, ref, depth);
        stack_.pop_back();
        done_.insert(id);
        docs.push_back(std::move(doc));
    }

    std::string chain(const std::string& last) const {
        std::string s;
        for (const auto& f : stack_) s += f.name + " → ";
        return s + last;
    }

    void extend(const Doc& parent, const Doc::Ref& ref, int depth) {
        auto fail = [&](const std::string& what) { out_.add(parent, ref.ptr, what); };
        auto child = std::make_unique<Doc>();
        child->via.push_back(parent.file);
        child->via.insert(child->via.end(), parent.via.begin(), parent.via.end());

        std::string text, id;
        const std::string& r = ref.text;
        auto builtin = [&](const std::string& name) {
            const char* t = builtin_profile_text(name);
            if (!t) return false;
            child->kind = Doc::Kind::builtin;
            child->file = "builtin:" + name;
            text = t;
            id = child->file;
            return true;
        };
        auto file = [&](const std::string& path, const std::string& shown, bool missing_ok) {
            child->kind = Doc::Kind::file;
            child->file = shown;
            child->dir = dirname_trimmed(path);
            auto f = profile::read_file(path, *child, out_);
            if (f.status == profile::FileText::Status::cannot_open) {
                if (missing_ok && f.err == ENOENT) return 0;
                fail("cannot open " + profile::quote(r) + " (" + path + "): " + errno_text(f.err));
                return -1;
            }
            if (f.status != profile::FileText::Status::ok) return -1;
            text = std::move(f.text);
            id = file_id(f);
            return 1;
        };

        if (r.rfind("builtin:", 0) == 0) {
            if (!builtin(r.substr(8))) {
                fail("unknown built-in profile " + profile::quote(r) + " (known: " + kKnownBuiltins + ")");
                return;
            }
        } else if (r.rfind("./", 0) == 0 || r.rfind("../", 0) == 0 || r[0] == '/') {
            if (parent.dir.empty()) {
                fail("a built-in profile can only extend built-in profiles");
                return;
            }
            std::string path = normalise_absolute(r[0] == '/' ? r : parent.dir + "/" + r);
            std::string shown = join_display(dirname_trimmed(parent.file), r);
            if (file(path, shown, false) <= 0) return;
        } else {
            // NAME: ${PROFILE_DIR}/NAME.json, then builtin:NAME.
            int found = 0;
            std::string path;
            if (!parent.dir.empty()) {
                path = normalise_absolute(parent.dir + "/" + r + ".json");
                found = file(path, join_display(dirname_trimmed(parent.file), r + ".json"), true);
                if (found < 0) return;
            }
            if (found == 0 && !builtin(r)) {
                fail("cannot find profile " + profile::quote(r) + " (looked for " +
                     (path.empty() ? "" : path + " and ") + "builtin:" + r + ")");
                return;
            }
        }

        for (const auto& f : stack_)
            if (f.id == id) {
                out_.add(stack_.front().name + ": extends cycle: " + chain(child->file));
                return;
            }
        if (done_.count(id)) return;  // a diamond: merged once, at its first position
        if (depth + 1 > kMaxDepth) {
            fail("more than " + std::to_string(kMaxDepth) + " levels of \"extends\" (" + chain(child->file) +
                 "); flatten the chain");
            return;
        }
        visit(std::move(child), std::move(text), id, depth + 1);
    }

    const LoadContext& ctx_;
    Problems& out_;
    std::vector<Frame> stack_;
    std::set<std::string> done_;
};

}  // namespace

std::optional<std::string> LoadContext::var(const std::string& name) const {
    auto it = vars.find(name);
    if (it != vars.end()) return it->second;
    return more_vars ? more_vars(name) : std::nullopt;
}

std::optional<std::string> LoadContext::env_value(const std::string& name) const {
    auto it = env.find(name);
    if (it != env.end()) return it->second;
    return more_env ? more_env(name) : std::nullopt;
}

Profile load_profile(const std::optional<std::string>& ref, std::vector<Overlay> overlays, const LoadContext& ctx) {
    Problems out;
    Loader loader(ctx, out);
    if (ref) {
        loader.load_top(*ref);
    } else {
        // No profile: nothing of the host is visible unless the overlays say so.
        auto d = std::make_unique<Doc>();
        d->kind = Doc::Kind::defaults;
        d->file = "command line";
        d->clean = ojson{{"root", {{"host", "none"}}}};
        loader.docs.push_back(std::move(d));
    }
    std::vector<std::unique_ptr<Doc>> extra;
    for (auto& o : overlays) {
        auto d = std::make_unique<Doc>();
        d->kind = Doc::Kind::overlay;
        d->file = o.label;
        d->options = std::move(o.options);
        d->raw = ordered(std::move(o.doc));
        if (!d->raw.is_object()) {
            out.add(d->where("") + ": expected an object, got " + profile::describe(d->raw));
            continue;
        }
        profile::check_document(*d, ctx, out);
        extra.push_back(std::move(d));
    }
    out.throw_if_any();

    const int main_doc = static_cast<int>(loader.docs.size()) - 1;
    const Doc& top = *loader.docs.back();
    std::vector<const Doc*> docs;
    profile::Merged merged;
    for (auto* list : {&loader.docs, &extra})
        for (const auto& d : *list) {
            merged.apply(*d, static_cast<int>(docs.size()));
            docs.push_back(d.get());
        }
    Profile p = profile::build_profile(merged, docs, main_doc, out);
    out.throw_if_any();

    if (ref) {
        p.source = *ref;
        if (top.raw.contains("name") && top.raw["name"].is_string())
            p.name = top.raw["name"].get<std::string>();
        else
            p.name = ref->rfind("builtin:", 0) == 0 ? ref->substr(8) : profile::file_stem(*ref);
    } else {
        p.source = "command line";
    }
    return p;
}

}  // namespace burrow
