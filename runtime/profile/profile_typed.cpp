#include "runtime/profile/profile_typed.hpp"

#include "runtime/profile/namespaces.hpp"
#include "runtime/base/path_index.hpp"

#include <algorithm>
#include <limits>

namespace burrow::profile {

namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

const ojson* get(const ojson& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

bool flag(const ojson& obj, const char* key, bool dflt) {
    const ojson* v = get(obj, key);
    return v ? v->get<bool>() : dflt;
}

std::string string_or(const ojson& obj, const char* key, const std::string& dflt) {
    const ojson* v = get(obj, key);
    return v ? v->get<std::string>() : dflt;
}

unsigned octal_value(const ojson& v) { return static_cast<unsigned>(std::stoul(v.get<std::string>(), nullptr, 8)); }

std::uint64_t limit_value(const ojson& v) { return v.is_string() ? kUnlimited : v.get<std::uint64_t>(); }

// The schema check has accepted only the names of profile_mount_kind(); anything else here
// is a bug, never a silent other kind.
MountSpec::Type mount_type(const std::string& t) {
    const MountKindInfo* k = profile_mount_kind(t);
    if (!k) throw std::logic_error("mount type \"" + t + "\" passed the schema check");
    return k->kind;
}

class Builder {
  public:
    Builder(const Merged& m, const std::vector<const Doc*>& docs, int main_doc, Problems& out)
        : m_(m), docs_(docs), main_(main_doc), out_(out) {}

    Profile run() {
        Profile p;
        const ojson& v = m_.value();
        static const ojson empty = ojson::object();
        auto section = [&](const char* key) -> const ojson& {
            const ojson* s = get(v, key);
            return s ? *s : empty;
        };
        root(section("root"), p.root);
        namespaces(section("namespaces"), p.namespaces);
        ids(section("user"), p);
        if (const ojson* h = get(v, "hostname")) {
            // A host name inherited from a base is moot once a later layer turns uts off.
            int uts_doc = get(section("namespaces"), "uts") ? doc_of("/namespaces/uts") : -1;
            if (p.namespaces.uts)
                p.hostname = h->get<std::string>();
            else if (doc_of("/hostname") >= uts_doc)
                err("/hostname", "needs \"namespaces\": {\"uts\": true}");
        }
        stores(section("stores"), p.stores);
        mounts(section("mounts"), p);
        process(section("process"), p);
        if (const ojson* h = get(v, "home")) home(*h, p);
        if (const ojson* l = get(v, "limits")) limits(*l, p.limits);
        security(section("security"), p.security);
        return p;
    }

  private:
    std::string where(const std::string& mptr) const {
        Src s = m_.origin(mptr);
        if (s.doc < 0) return docs_[static_cast<std::size_t>(main_)]->where(mptr);
        return docs_[static_cast<std::size_t>(s.doc)]->where(s.ptr);
    }
    void err(const std::string& mptr, const std::string& what) { out_.add(where(mptr) + ": " + what); }
    int doc_of(const std::string& mptr) const { return m_.origin(mptr).doc; }
    bool from_overlay(const std::string& mptr) const {
        const int d = doc_of(mptr);
        return d >= 0 && docs_[static_cast<std::size_t>(d)]->kind == Doc::Kind::overlay;
    }

    // How a message about `mptr` names the earlier value at `other`: just the pointer when
    // both come from the same file, else file and pointer.
    std::string ref(const std::string& other, const std::string& mptr) const {
        Src a = m_.origin(other), b = m_.origin(mptr);
        if (a.doc >= 0 && a.doc == b.doc && docs_[static_cast<std::size_t>(a.doc)]->kind != Doc::Kind::overlay)
            return "(" + pointer_text(a.ptr) + ")";
        return "(" + where(other) + ")";
    }

    // The pointer naming an entry's destination: "destination" if written, else the key
    // the default came from ("source" of a bind), else the entry.
    std::string destination_ptr(const std::string& entry) const {
        Src s = m_.origin(entry);
        if (s.doc < 0) return entry + "/destination";
        const ojson& raw = docs_[static_cast<std::size_t>(s.doc)]->raw;
        try {
            const ojson& e = raw.at(ojson::json_pointer(s.ptr));
            if (e.contains("destination")) return entry + "/destination";
            if (e.contains("source")) return entry + "/source";
        } catch (const ojson::exception&) {}
        return entry;
    }

    void root(const ojson& r, RootSpec& out) {
        const ojson* host = get(r, "host");
        const ojson* path = get(r, "path");
        // A root directory (an unpacked image) replaces the host's root: "host" may be
        // absent or "none"; access defaults to read-only.
        if (path) {
            // "host": "all" from a base is replaced by a path set later; together in one
            // document (or the path first) they contradict each other.
            if (host && *host == "all" && doc_of("/root/host") >= doc_of("/root/path")) {
                err("/root/path", "\"path\" replaces the host's root; remove \"host\": \"all\" or the path");
                return;
            }
            out.host = RootSpec::Host::all;
            out.path = path->get<std::string>();
            // An access inherited from before the path (builtin:pack's "rw" for the host)
            // does not make an image writable: only one written with the path or later.
            const ojson* access = get(r, "access");
            out.access =
                access && *access == "rw" && doc_of("/root/access") >= doc_of("/root/path") ? Access::rw : Access::ro;
            if (const ojson* exclude = get(r, "exclude"))
                for (const auto& e : *exclude) out.exclude.push_back(e.get<std::string>());
            return;
        }
        if (!host) {
            err("/root/host",
                "required (after applying extends); use \"all\" to see the host root or \"none\" for an empty root");
            return;
        }
        out.host = *host == "all" ? RootSpec::Host::all : RootSpec::Host::none;
        const ojson* access = get(r, "access");
        const ojson* exclude = get(r, "exclude");
        if (out.host == RootSpec::Host::all) {
            if (access) out.access = *access == "ro" ? Access::ro : Access::rw;
            if (exclude)
                for (const auto& e : *exclude) out.exclude.push_back(e.get<std::string>());
            return;
        }
        // With "none", access/exclude written before the "none" (in a base) are moot;
        // written with it or after it, they are a mistake.
        int host_doc = doc_of("/root/host");
        if (access && doc_of("/root/access") >= host_doc)
            err("/root/access", "only valid with \"host\": \"all\"; remove it, or write \"host\": \"all\"");
        if (exclude)
            for (std::size_t i = 0; i < exclude->size(); ++i) {
                std::string ip = pointer_join("/root/exclude", i);
                if (doc_of(ip) >= host_doc) {
                    err(ip, "\"exclude\" is only valid with \"host\": \"all\"; remove it, or write \"host\": \"all\"");
                    break;
                }
            }
    }

    void namespaces(const ojson& n, Namespaces& out) {
        for (const NamespaceInfo& row : namespace_kinds())
            out.*row.member = flag(n, std::string(row.key).c_str(), row.default_on);
        if (const ojson* f = get(n, "userFd")) out.user_fd = f->get<int>();
        if (const ojson* f = get(n, "pidFd")) out.pid_fd = f->get<int>();
        if (const ojson* f = get(n, "user2Fd")) out.user2_fd = f->get<int>();
        if (const ojson* f = get(n, "userBlockFd")) out.user_block_fd = f->get<int>();
        if (out.pid_fd && out.pid) {
            err("/namespaces/pidFd",
                "joining a pid namespace and making a new one below it is not supported; drop \"pid\": true "
                "(--unshare-pid) or \"pidFd\" (--pidns)");
        }
        if (!out.mount)
            err("/namespaces/mount", "burrow always sets up its own mount namespace; remove \"mount\": false");
    }

    static IdSpec id(const ojson* v) {
        IdSpec out;
        if (v && v->is_number_unsigned()) {
            out.self = false;
            out.id = static_cast<std::uint32_t>(v->get<std::uint64_t>());
        }
        return out;
    }

    void ids(const ojson& u, Profile& p) {
        p.uid = id(get(u, "uid"));
        p.gid = id(get(u, "gid"));
    }

    void stores(const ojson& list, std::vector<StoreSpec>& out) {
        if (!list.is_array()) return;
        out.reserve(list.size());
        stores_.reserve(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) {
            const ojson& s = list[i];
            std::string sp = pointer_join("/stores", i);
            StoreSpec st;
            st.source = string_or(s, "source", "");
            st.destination = string_or(s, "destination", "/gnu/store");
            const ojson* items = get(s, "items");
            if (items && items->is_array()) {
                st.all_items = false;
                for (const auto& it : *items) st.items.push_back(it.get<std::string>());
            }
            st.origin.where = where(sp);
            // The first earlier store that this one is inside of, or would hide; "inside"
            // is named when one store is both (the same destination).
            auto inside = stores_.first_at_or_above(st.destination);
            auto hides = stores_.first_at_or_below(st.destination);
            if (inside && (!hides || *inside <= *hides)) {
                const std::size_t j = *inside;
                err(destination_ptr(sp), st.destination + " is inside the store at " + out[j].destination + " " +
                                             ref(pointer_join("/stores", j), sp));
            } else if (hides) {
                const std::size_t j = *hides;
                err(destination_ptr(sp), "a store at " + st.destination + " would hide the store at " +
                                             out[j].destination + " " + ref(pointer_join("/stores", j), sp));
            }
            stores_.add(st.destination, out.size());
            out.push_back(std::move(st));
        }
    }

    void mounts(const ojson& list, Profile& p) {
        if (!list.is_array()) return;
        p.mounts.reserve(list.size());
        for (std::size_t i = 0; i < list.size(); ++i) {
            const ojson& m = list[i];
            std::string mp = pointer_join("/mounts", i);
            MountSpec ms;
            ms.type = mount_type(m["type"].get<std::string>());
            ms.destination = string_or(m, "destination", "");
            ms.origin.where = where(mp);
            using T = MountSpec::Type;
            switch (ms.type) {
                case T::bind:
                    ms.source = string_or(m, "source", "");
                    if (const ojson* f = get(m, "fd")) {
                        ms.fd = f->get<int>();
                        ms.source = "/proc/self/fd/" + std::to_string(*ms.fd);  // for messages
                    }
                    ms.access = string_or(m, "access", "ro") == "rw" ? Access::rw : Access::ro;
                    ms.optional = flag(m, "optional", false);
                    ms.recursive = flag(m, "recursive", true);
                    ms.devices = flag(m, "devices", false);
                    ms.noexec = flag(m, "noexec", false);
                    break;
                case T::tmpfs:
                    if (const ojson* s = get(m, "size")) ms.size = s->get<std::uint64_t>();
                    ms.mode = get(m, "mode") ? octal_value(m["mode"]) : 0755u;
                    break;
                case T::dir: ms.mode = get(m, "mode") ? octal_value(m["mode"]) : 0755u; break;
                case T::file:
                    ms.content = string_or(m, "content", "");
                    if (const ojson* f = get(m, "fd")) ms.fd = f->get<int>();
                    ms.access = string_or(m, "access", "ro") == "rw" ? Access::rw : Access::ro;
                    ms.mode = get(m, "mode") ? octal_value(m["mode"]) : 0444u;
                    break;
                case T::symlink: ms.target = string_or(m, "target", ""); break;
                case T::chmod: ms.mode = octal_value(m["mode"]); break;
                case T::overlay:
                    for (const auto& l : m["lower"]) ms.lower.push_back(l.get<std::string>());
                    ms.upper = string_or(m, "upper", "");
                    ms.work = string_or(m, "work", "");
                    ms.access = !ms.upper.empty() || string_or(m, "access", "ro") == "rw" ? Access::rw : Access::ro;
                    break;
                default: break;
            }
            check_placement(ms, mp, p);
            p.mounts.push_back(std::move(ms));
        }
    }

    // Stores are mounted first, then the mounts in order, each over what is already there:
    // a later mount covers an earlier one at or below its destination, as in bwrap. A mount
    // may not go into (or over) a read-only store, and only the command line may replace
    // the root (--bind / /): in a profile, / is "root"'s.
    // Each question is asked of all earlier stores at once (PathIndex); the answer is the
    // first one in list order, the one that asking them in turn would name.
    void check_placement(const MountSpec& ms, const std::string& mp, const Profile& p) {
        // A store holding the mount (below its destination, not at it) or one the mount
        // would hide (at or below the mount's destination); the earlier of the two.
        auto inside = stores_.first_above(ms.destination);
        auto hides = stores_.first_at_or_below(ms.destination);
        if (inside && (!hides || *inside <= *hides)) {
            err(destination_ptr(mp),
                ms.destination + " is inside the read-only store at " + p.stores[*inside].destination);
            return;
        }
        if (hides) {
            err(mp, "mounting " + ms.destination + " would hide the store at " + p.stores[*hides].destination + " " +
                        ref(pointer_join("/stores", *hides), mp) + "; choose another destination");
            return;
        }
        // "${PWD}" and the like become / only now, after the schema check.
        if (ms.destination == "/" && !from_overlay(mp))
            err(mp, std::string("a mount at / would cover the whole root; use \"root\" to choose what / holds") +
                        (ms.type == MountSpec::Type::bind
                             ? "; when it is the current directory (${PWD}) that is /, run the command from the "
                               "directory it should see"
                             : ""));
    }

    // "home": one more mount, after all the others (it covers what they put there), and
    // HOME pointing at it, whatever else set HOME (builtin:sandbox's /homeless-shelter).
    void home(const ojson& h, Profile& p) {
        MountSpec ms;
        ms.destination = string_or(h, "destination", "/");
        ms.origin.where = where("/home");
        if (ms.destination == "/") {
            err("/home", "no home directory is known (HOME is unset or not absolute); give \"destination\"");
            return;
        }
        if (const ojson* path = get(h, "path")) {
            ms.type = MountKind::bind;
            ms.source = path->get<std::string>();
            ms.access = Access::rw;
            ms.create = true;
        } else {
            ms.type = MountKind::tmpfs;
            ms.mode = 0700u;
        }
        check_placement(ms, "/home", p);
        p.mounts.push_back(std::move(ms));
        p.process.env.set.emplace_back("HOME", p.mounts.back().destination);
    }

    void limits(const ojson& l, LimitsSpec& out) {
        if (const ojson* m = get(l, "memory")) out.memory = m->get<std::uint64_t>();
        if (const ojson* c = get(l, "cpus")) out.cpus = c->get<double>();
        if (const ojson* n = get(l, "pids")) out.pids = n->get<std::uint64_t>();
        // One name for messages: the first limit's origin ("--memory 1g", "x.json: /limits/memory").
        for (const char* key : {"memory", "cpus", "pids"})
            if (get(l, key)) {
                out.where = where(std::string("/limits/") + key);
                break;
            }
    }

    void process(const ojson& pr, Profile& p) {
        ProcessSpec& out = p.process;
        if (const ojson* e = get(pr, "exec")) out.exec = e->get<std::string>();
        if (const ojson* a = get(pr, "args"))
            for (const auto& s : *a) out.args.push_back(s.get<std::string>());
        if (const ojson* a = get(pr, "argv0"); a && *a != "inherit") out.argv0 = a->get<std::string>();
        if (const ojson* c = get(pr, "cwd"); c && *c != "inherit") out.cwd = c->get<std::string>();
        if (const ojson* u = get(pr, "umask")) out.umask = octal_value(*u);
        out.new_session = flag(pr, "newSession", false);
        out.die_with_parent = flag(pr, "dieWithParent", false);
        out.as_pid_1 = flag(pr, "asPid1", false);
        if (const ojson* f = get(pr, "infoFd")) out.info_fd = f->get<int>();
        if (const ojson* l = get(pr, "lockFiles"))
            for (const auto& f : *l) out.lock_files.push_back(f.get<std::string>());
        if (out.as_pid_1 && !out.lock_files.empty())
            err("/process/lockFiles",
                "lock files are held by a process that waits for the program, which "
                "\"asPid1\" does away with; drop one of the two");
        if (const ojson* f = get(pr, "jsonStatusFd")) out.json_status_fd = f->get<int>();
        if (const ojson* f = get(pr, "blockFd")) out.block_fd = f->get<int>();
        if (const ojson* f = get(pr, "syncFd")) out.sync_fd = f->get<int>();
        if (out.as_pid_1 && !p.namespaces.pid)
            err("/process/asPid1",
                "the program can be pid 1 only of a pid namespace of its own; add \"namespaces\": "
                "{\"pid\": true} (--unshare-pid)");
        out.close_fds = flag(pr, "closeFds", false);
        if (const ojson* k = get(pr, "keepFds"))
            for (const auto& fd : *k) out.keep_fds.push_back(fd.get<int>());
        if (const ojson* t = get(pr, "timeout")) out.timeout = t->get<double>();
        if (const ojson* k = get(pr, "killAfter")) out.kill_after = k->get<double>();
        if (const ojson* env = get(pr, "env")) environment(*env, out.env);
        if (const ojson* r = get(pr, "rlimits"))
            for (const auto& [name, val] : r->items()) {
                RlimitSpec rl;
                rl.name = name;
                if (val.is_object()) {
                    rl.soft = limit_value(val["soft"]);
                    rl.hard = limit_value(val["hard"]);
                } else if (val == "inherit") {
                    rl.inherit = true;
                } else {
                    rl.soft = rl.hard = limit_value(val);
                }
                out.rlimits.push_back(rl);
            }
    }

    void environment(const ojson& e, EnvSpec& out) {
        out.clear = flag(e, "clear", false);
        if (const ojson* keep = get(e, "keep")) {
            int clear_doc = get(e, "clear") ? doc_of("/process/env/clear") : -1;
            for (std::size_t i = 0; i < keep->size() && !out.clear; ++i) {
                std::string kp = pointer_join("/process/env/keep", i);
                if (doc_of(kp) >= clear_doc) {
                    err(kp, "\"keep\" only applies with \"clear\": true; remove it, or write \"clear\": true");
                    break;
                }
            }
            // Patterns inherited from a base that cleared the environment are moot once a
            // later layer stops clearing it.
            if (out.clear)
                for (const auto& k : *keep) out.keep.push_back(k.get<std::string>());
        }
        if (const ojson* u = get(e, "unset"))
            for (const auto& n : *u) out.unset.push_back(n.get<std::string>());
        if (const ojson* s = get(e, "set"))
            for (const auto& [name, val] : s->items()) out.set.emplace_back(name, val.get<std::string>());
        auto paths = [](const ojson* obj, std::vector<std::pair<std::string, std::vector<std::string>>>& dst) {
            if (!obj) return;
            for (const auto& [name, list] : obj->items()) {
                std::vector<std::string> entries;
                for (const auto& x : list) entries.push_back(x.get<std::string>());
                dst.emplace_back(name, std::move(entries));
            }
        };
        paths(get(e, "prepend"), out.prepend);
        paths(get(e, "append"), out.append);
    }

    void security(const ojson& s, SecuritySpec& out) {
        out.no_new_privileges = flag(s, "noNewPrivileges", true);
        out.disable_userns = flag(s, "disableUserns", false);
        out.assert_userns_disabled = flag(s, "assertUsernsDisabled", false);
        if (const ojson* l = get(s, "execLabel")) out.exec_label = l->get<std::string>();
        if (const ojson* l = get(s, "fileLabel")) out.file_label = l->get<std::string>();
        if (const ojson* f = get(s, "seccompFds"))
            for (const auto& fd : *f) out.seccomp_fds.push_back(fd.get<int>());
        if (const ojson* caps = get(s, "capabilities")) {
            out.clear_bounding_set = flag(*caps, "clearBoundingSet", false);
            if (const ojson* k = get(*caps, "keep"))
                for (const auto& c : *k) out.caps_keep.push_back(c.get<std::string>());
            if (const ojson* a = get(*caps, "ambient"))
                for (std::size_t i = 0; i < a->size(); ++i) {
                    std::string name = (*a)[i].get<std::string>();
                    if (std::find(out.caps_keep.begin(), out.caps_keep.end(), name) == out.caps_keep.end())
                        err(pointer_join("/security/capabilities/ambient", i),
                            quote(name) + " is not in \"keep\"; an ambient capability must also be kept");
                    out.caps_ambient.push_back(std::move(name));
                }
        }
        if (const ojson* sc = get(s, "seccomp")) out.seccomp = nlohmann::json(*sc);
    }

    const Merged& m_;
    const std::vector<const Doc*>& docs_;
    int main_;
    Problems& out_;
    // The destinations of the stores and mounts built so far, by position.
    PathIndex stores_;
};

}  // namespace

Profile build_profile(const Merged& merged, const std::vector<const Doc*>& docs, int main_doc, Problems& out) {
    return Builder(merged, docs, main_doc, out).run();
}

}  // namespace burrow::profile
