// compute_env: the environment rules of burrow-profile(5), "process.env".
#include <doctest/doctest.h>

#include "runtime/plan/env.hpp"

using burrow::compute_env;
using burrow::EnvSpec;
using V = std::vector<std::string>;

TEST_CASE("env: passes the caller's environment through by default") {
    EnvSpec s;
    CHECK(compute_env(s, {"A=1", "B=2"}) == V{"A=1", "B=2"});
}

TEST_CASE("env: clear keeps only names matching the keep globs") {
    EnvSpec s;
    s.clear = true;
    s.keep = {"LC_*", "TERM"};
    CHECK(compute_env(s, {"A=1", "LC_ALL=C", "TERM=xterm", "LC=x", "TERMINAL=no"}) == V{"LC_ALL=C", "TERM=xterm"});
}

TEST_CASE("env: unset then set, set replaces in place") {
    EnvSpec s;
    s.unset = {"A"};
    s.set = {{"B", "new"}, {"C", "3"}};
    CHECK(compute_env(s, {"A=1", "B=2"}) == V{"B=new", "C=3"});
}

TEST_CASE("env: prepend and append add no separator next to an empty or unset value") {
    EnvSpec s;
    s.prepend = {{"PATH", {"/store/bin", "/x/bin"}}, {"EMPTY", {"/a"}}, {"UNSET", {"/b"}}};
    s.append = {{"MANPATH", {"/store/man"}}};
    auto env = compute_env(s, {"PATH=/usr/bin", "EMPTY=", "MANPATH=/usr/man"});
    CHECK(env == V{"PATH=/store/bin:/x/bin:/usr/bin", "EMPTY=/a", "MANPATH=/usr/man:/store/man", "UNSET=/b"});
}

TEST_CASE("env: values keep '=' characters and entries without '=' are dropped") {
    EnvSpec s;
    CHECK(compute_env(s, {"A=x=y", "junk"}) == V{"A=x=y"});
}

TEST_CASE("env: glob matching") {
    using burrow::glob_match;
    CHECK(glob_match("*", ""));
    CHECK(glob_match("LC_*", "LC_"));
    CHECK(glob_match("a?c", "abc"));
    CHECK_FALSE(glob_match("a?c", "ac"));
    CHECK(glob_match("*_PATH*", "LD_PATHX"));
    CHECK_FALSE(glob_match("LC_*", "XLC_A"));
}
