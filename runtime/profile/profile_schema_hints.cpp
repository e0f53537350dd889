// Hints for keys written as other formats spell them (OCI, nsjail, bubblewrap, firejail),
// and the "x-*" extension keys every section ignores.
#include "runtime/profile/namespaces.hpp"
#include "runtime/profile/profile_schema_check.hpp"

namespace burrow::profile::schema {

namespace {

bool any_of_keys(const std::string& k, std::initializer_list<const char*> list) {
    for (const char* s : list)
        if (k == s) return true;
    return false;
}

}  // namespace

std::optional<std::string> foreign_hint(const std::string& context, const std::string& key, const ojson& value) {
    bool is_false = value.is_boolean() && !value.get<bool>();
    if (context == "bind" || context == "mount") {
        if (any_of_keys(key, {"readonly", "ro", "read_only", "read-only", "readOnly"}))
            return is_false ? "write \"access\": \"rw\"" : "write \"access\": \"ro\"";
        if (key == "rw") return is_false ? "write \"access\": \"ro\"" : "write \"access\": \"rw\"";
        if (key == "options")
            return "write \"access\": \"ro\" or \"rw\" (and \"noexec\": true) instead of mount options";
        if (key == "is_bind") return "write \"type\": \"bind\"";
        if (any_of_keys(key, {"src", "from"})) return "write \"source\"";
        if (any_of_keys(key, {"dst", "dest", "to", "mountpoint"}) || (context == "bind" && key == "target"))
            return "write \"destination\"";
        if (key == "mandatory")
            return is_false ? "write \"optional\": true" : "remove it (a bind is mandatory unless \"optional\": true)";
    }
    if (context == "store" && any_of_keys(key, {"access", "readonly", "ro", "rw", "read_only"}))
        return "remove it (stores are always mounted read-only)";
    if (context == "namespaces") {
        if (any_of_keys(key, {"network", "netns"})) return "write \"net\"";
        if (key == "mnt") return "write \"mount\"";
    }
    if (context == "top") {
        if (any_of_keys(key, {"network", "net"}))
            return "write \"namespaces\": {\"net\": true} for a sandbox without network";
        if (any_of_keys(key, {"env", "environment", "cwd", "args", "exec", "argv0", "rlimits", "umask", "newSession",
                              "dieWithParent", "timeout", "killAfter"}))
            return "write it inside \"process\": {\"" + std::string(key == "environment" ? "env" : key) + "\": …}";
        if (any_of_keys(key, {"uid", "gid"})) return "write it inside \"user\": {\"" + key + "\": …}";
        if (any_of_keys(key, {"capabilities", "seccomp", "noNewPrivileges"}))
            return "write it inside \"security\": {\"" + key + "\": …}";
        // ("net" has its own hint above; "user" and "mount" are not hinted: one is a
        // top-level key, the other near "mounts".)
        if (const NamespaceInfo* n = namespace_kind(key); n && !n->always)
            return "write it inside \"namespaces\": {\"" + key + "\": true}";
        if (any_of_keys(key, {"bind", "binds"})) return "write \"mounts\": [{\"type\": \"bind\", …}]";
        if (any_of_keys(key, {"memory", "cpus", "pids"})) return "write it inside \"limits\": {\"" + key + "\": …}";
        if (any_of_keys(key, {"readonly", "ro", "read_only"})) return "write \"root\": {\"access\": \"ro\"}";
    }
    if (context == "process") {
        if (key == "environment") return "write \"env\"";
        if (any_of_keys(key, {"memory", "cpus", "pids", "limits"}))
            return "write it at the top level: \"limits\": {\"" + (key == "limits" ? std::string("memory") : key) +
                   "\": …}";
        if (any_of_keys(key, {"command", "cmd", "argv", "program"}))
            return "write \"exec\" for the program and \"args\" for its arguments";
        if (any_of_keys(key, {"workdir", "workingDirectory", "chdir", "cwd_path"})) return "write \"cwd\"";
    }
    if (context == "env" && any_of_keys(key, {"vars", "variables", "environment", "setenv"}))
        return "write \"set\": {\"NAME\": \"value\"}";
    if (context == "env" && key == "unsetenv") return "write \"unset\": [\"NAME\"]";
    if (context == "security") {
        if (any_of_keys(key, {"no_new_privs", "noNewPrivs", "no-new-privileges", "no_new_privileges", "nonewprivs"}))
            return "write \"noNewPrivileges\"";
        if (key == "caps") return "write \"capabilities\"";
    }
    if (context == "capabilities" &&
        any_of_keys(key, {"add", "drop", "bounding", "effective", "permitted", "inheritable"}))
        return "write \"keep\": [\"CAP_…\"] (every capability not kept is dropped)";
    return std::nullopt;
}

bool is_extension(const std::string& key) { return key.rfind("x-", 0) == 0; }

// A copy without the "x-*" keys, at any depth.
ojson strip_extensions(const ojson& v) {
    if (v.is_object()) {
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items())
            if (!is_extension(k)) out[k] = strip_extensions(e);
        return out;
    }
    if (v.is_array()) {
        ojson out = ojson::array();
        for (const auto& e : v) out.push_back(strip_extensions(e));
        return out;
    }
    return v;
}

}  // namespace burrow::profile::schema
