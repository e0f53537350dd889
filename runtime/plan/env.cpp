#include "runtime/plan/env.hpp"

#include <algorithm>

namespace burrow {

bool glob_match(const std::string& pat, const std::string& s) {
    // Iterative matcher with one backtrack point for the last '*'.
    size_t p = 0, t = 0, star = std::string::npos, mark = 0;
    while (t < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || pat[p] == s[t])) {
            ++p, ++t;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

namespace {

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

void put(std::vector<std::string>& env, const std::string& name, const std::string& value) {
    for (auto& e : env)
        if (name_of(e) == name) {
            e = name + "=" + value;
            return;
        }
    env.push_back(name + "=" + value);
}

void erase(std::vector<std::string>& env, const std::string& name) {
    env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return name_of(e) == name; }),
              env.end());
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += ':';
        out += p;
    }
    return out;
}

}  // namespace

const std::string* env_lookup(const std::vector<std::string>& env, const std::string& name, std::string& scratch) {
    for (const auto& e : env)
        if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0) {
            scratch = e.substr(name.size() + 1);
            return &scratch;
        }
    return nullptr;
}

std::vector<std::string> compute_env(const EnvSpec& spec, const std::vector<std::string>& caller) {
    std::vector<std::string> env;
    for (const auto& e : caller) {
        if (e.find('=') == std::string::npos) continue;
        if (spec.clear) {
            const std::string n = name_of(e);
            bool kept =
                std::any_of(spec.keep.begin(), spec.keep.end(), [&](const std::string& g) { return glob_match(g, n); });
            if (!kept) continue;
        }
        env.push_back(e);
    }
    for (const auto& n : spec.unset) erase(env, n);
    for (const auto& [n, v] : spec.set) put(env, n, v);
    std::string cur;
    for (const auto& [n, parts] : spec.prepend) {
        const std::string* old = env_lookup(env, n, cur);
        std::string add = join(parts);
        put(env, n, old && !old->empty() ? (add.empty() ? *old : add + ":" + *old) : add);
    }
    for (const auto& [n, parts] : spec.append) {
        const std::string* old = env_lookup(env, n, cur);
        std::string add = join(parts);
        put(env, n, old && !old->empty() ? (add.empty() ? *old : *old + ":" + add) : add);
    }
    return env;
}

}  // namespace burrow
