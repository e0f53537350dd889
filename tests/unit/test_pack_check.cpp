// burrow-pack check: what it shows of an entry's output; --prefix-dir's nodes.
#include <doctest/doctest.h>

#include "packer/check.hpp"
#include "packer/layout.hpp"

using namespace burrow::pack;

TEST_CASE("pack check: the tail of an entry's stderr, one line") {
    CHECK(output_tail("") == "");
    CHECK(output_tail("one\n") == "one");
    CHECK(output_tail("a\nb\nc\nd\n") == "b | c | d");
    CHECK(output_tail("a\n\n  b  \n\n") == "a | b");
    CHECK(output_tail("x\ty\x1b[31m\n") == "x?y?[31m");
    CHECK(output_tail("a\nb\n", 1) == "b");
    const std::string long_line(1000, 'z');
    const std::string t = output_tail(long_line + "/etc/os-release: No such file\n");
    CHECK(t.size() == 403);
    CHECK(t.rfind("...", 0) == 0);
    CHECK(t.find("/etc/os-release: No such file") != std::string::npos);
}

TEST_CASE("pack layout: --prefix-dir puts every node below one directory") {
    Node d;
    d.path = "bin";
    Node l;
    l.path = "bin/hello";
    l.type = Node::Type::symlink;
    l.target = "../.burrow/burrow";
    Node f;
    f.path = "gnu/store/a/x";
    f.type = Node::Type::file;
    Node h;
    h.path = "gnu/store/b/x";
    h.type = Node::Type::hardlink;
    h.target = "gnu/store/a/x";
    const std::vector<Node> nodes{d, l, f, h};
    CHECK(under_prefix(nodes, "").size() == 4);
    const std::vector<Node> p = under_prefix(nodes, "hello-1");
    REQUIRE(p.size() == 5);
    CHECK(p[0].path == "hello-1");
    CHECK(p[0].type == Node::Type::dir);
    CHECK(p[1].path == "hello-1/bin");
    CHECK(p[2].path == "hello-1/bin/hello");
    CHECK(p[2].target == "../.burrow/burrow");
    CHECK(p[3].path == "hello-1/gnu/store/a/x");
    CHECK(p[4].target == "hello-1/gnu/store/a/x");
}
