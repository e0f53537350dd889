// burrow-pack's command line.
#include <doctest/doctest.h>
#include <set>

#include "packer/inputs.hpp"
#include "packer/options.hpp"
#include "pack_options_support.hpp"
#include "runtime/base/error.hpp"

using namespace burrow::pack;
using V = std::vector<std::string>;
using pack_test::contains;
using pack_test::error_of;

TEST_CASE("pack options: a full command line") {
    const Command c = parse_command_line(
        {"--store", "/tmp/s:/gnu/store", "abc-hello", "-e", "hello=/gnu/store/abc-hello/bin/hello",
         "--entry=sh=/gnu/store/abc-dash/bin/sh", "-S", "/etc=gnu/store/abc-hello/etc", "-Cxz", "--format", "tarball",
         "-o", "out.tar.xz", "--no-closure", "--runtime", "/x/burrow", "--proot=/usr/bin/proot", "--", "-weird-item"});
    REQUIRE(c.kind == Command::Kind::pack);
    const PackOptions& o = c.pack;
    CHECK(*o.store_source == "/tmp/s");
    CHECK(o.store_destination == "/gnu/store");
    CHECK(o.items == V{"abc-hello", "-weird-item"});
    REQUIRE(o.entries.size() == 2);
    CHECK(o.entries[0].name == "hello");
    CHECK(o.entries[0].program == "/gnu/store/abc-hello/bin/hello");
    CHECK(o.entries[1].name == "sh");
    REQUIRE(o.links.size() == 1);
    CHECK(o.links[0].link == "etc");
    CHECK(o.links[0].target == "gnu/store/abc-hello/etc");
    CHECK(o.compression == Compression::xz);
    CHECK(o.format == Format::tarball);
    CHECK(o.output == "out.tar.xz");
    CHECK_FALSE(o.closure);
    CHECK(*o.runtime == "/x/burrow");
    CHECK(*o.proot == "/usr/bin/proot");
    CHECK(o.items.back() == "-weird-item");
}

TEST_CASE("pack options: defaults") {
    const Command c = parse_command_line({"--store", "/tmp/s", "x", "-o", "-"});
    CHECK(c.pack.store_destination.empty());
    CHECK(c.pack.format == Format::tarball);
    CHECK(c.pack.compression == Compression::gzip);
    CHECK(c.pack.closure);
    CHECK(c.pack.output == "-");
    CHECK_FALSE(c.pack.runtime);
}

TEST_CASE("pack options: SRC[:DEST] splits at the last colon followed by an absolute path") {
    CHECK(split_store_spec("/a:b/c") == std::pair<std::string, std::string>{"/a:b/c", ""});
    CHECK(split_store_spec("/a:b:/gnu/store") == std::pair<std::string, std::string>{"/a:b", "/gnu/store"});
    CHECK(split_store_spec("store") == std::pair<std::string, std::string>{"store", ""});
}

TEST_CASE("pack options: subcommands, help and version") {
    CHECK(parse_command_line({"info", "p.tar.gz"}).kind == Command::Kind::info);
    const Command v = parse_command_line({"verify", "--", "-odd name"});
    CHECK(v.kind == Command::Kind::verify);
    CHECK(v.target == "-odd name");
    CHECK(parse_command_line({"--help"}).kind == Command::Kind::help);
    CHECK(parse_command_line({"-V"}).kind == Command::Kind::version);
    CHECK(contains(error_of({"verify"}), "exactly one PACK"));
    CHECK(contains(error_of({"info", "a", "b"}), "exactly one PACK"));
    CHECK(contains(usage_text(), "--slice DIR=DEST"));
}

TEST_CASE("pack options: mistakes give one clear message and status 125") {
    CHECK(contains(error_of({"--bogus"}), "unknown option '--bogus'"));
    CHECK(contains(error_of({"--store", "/s", "x"}), "no output: add -o OUT"));
    CHECK(contains(error_of({"--store", "/s", "-o", "o"}), "nothing to pack"));
    CHECK(contains(error_of({"x", "-o", "o"}), "without --store"));
    CHECK(contains(error_of({"--store", "/s", "--store", "/t", "x", "-o", "o"}), "--store given twice"));
    CHECK(contains(error_of({"--store", "/s:/", "x", "-o", "o"}), "cannot be '/'"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o"}), "needs a value"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-e", "hello"}), "expected NAME=PROGRAM"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-e", "a/b=/x"}), "contains '/'"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-e", "h=bin/hello"}), "absolute path"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-e", "h=/a", "-e", "h=/b"}), "given twice"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-e", "burrow=/a"}), "cannot be named 'burrow'"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "-", "-f", "docker"}), "not standard output"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-f", "zip"}), "unknown format"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-C", "bzip2"}), "unknown compression"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "-", "-f", "dir"}), "only a tarball"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "d", "-f", "dir", "-C", "xz"}), "applies to tarballs"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-e", "h=/a", "-S", "bin/h=x"}),
                   "bin/ holds the pack's entries"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-S", ".burrow=x"}), ".burrow/ is the pack's own"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-S", "../up=x"}), "without '..'"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "-S", "a=x", "-S", "a/b=y"}), "inside the link a"));
    CHECK(contains(error_of({"--store", "/s:/gnu/store", "x", "-o", "o", "--slice", "d=/gnu/store/p"}), "overlaps"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "--slice", "d=rel"}), "absolute path"));
    CHECK(contains(error_of({"--store", "/s", "x", "-o", "o", "--no-closure=yes"}), "takes no value"));
}

TEST_CASE("pack options: every option --help lists is known to the parser") {
    const std::string help = usage_text();
    std::size_t at = 0, seen = 0;
    while ((at = help.find(" --", at)) != std::string::npos) {
        const std::size_t end = help.find_first_of(" =\n", at + 1);
        const std::string opt = help.substr(at + 1, end - at - 1);
        at = end;
        ++seen;
        CHECK_MESSAGE(!contains(error_of({opt, "x=/y"}), "unknown option"), opt);
    }
    CHECK(seen >= 15);
}

TEST_CASE("pack options: a -S link inside another is found whatever sorts between them") {
    // "a-x" sorts between "a" and "a/b": the check must not depend on neighbours.
    CHECK(contains(error_of({"--slice", "/d=/opt/d", "-S", "a=x", "-S", "a-x=y", "-S", "a/b=z", "-o", "o"}),
                   "-S a/b: lies inside the link a"));
}

TEST_CASE("pack options: every format's row names it and its writer") {
    for (const Format f : {Format::tarball, Format::dir, Format::run, Format::docker, Format::oci}) {
        CAPTURE(format_name(f));
        const bool has_writer = format_writer(f) != nullptr;
        CHECK(has_writer);
        const Command c = parse_command_line({"--store", "/s", "x", "-f", format_name(f), "-o", "out"});
        CHECK(c.pack.format == f);
    }
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "zip", "-o", "o"}),
                   "unknown format; use tarball, dir, run, docker or oci"));
    CHECK(contains(error_of({"--store", "/s", "x", "-f", "run", "-o", "-"}),
                   "-o -: -f run writes an executable file; give its name with -o (e.g. -o hello.run)"));
    CHECK(contains(error_of({"--store", "/s", "x", "-C", "lz", "-o", "o"}),
                   "unknown compression; use gzip, zstd, xz or none"));
    CHECK(contains(error_of({"--store", "/s", "x", "--tag", "a", "-o", "o"}), "--tag: only for -f docker and -f oci"));
}

TEST_CASE("pack options: --wrapper FILE is an entry named after the file") {
    const Command c = parse_command_line({"--wrapper", "/w/bin/tool-1", "--wrapper=bin/tool-2", "-o", "o.tar.gz"});
    REQUIRE(c.kind == Command::Kind::pack);
    CHECK(c.pack.wrappers == V{"/w/bin/tool-1", "bin/tool-2"});
    CHECK(contains(error_of({"--wrapper", "a/tool", "-e", "tool=/x/tool", "-o", "o"}), "entry 'tool' given twice"));
    CHECK(contains(error_of({"--wrapper", "a/.hidden", "-o", "o"}), "--wrapper a/.hidden"));
    CHECK(contains(error_of({"--wrapper", "", "-o", "o"}), "--wrapper: FILE is empty"));
    CHECK(contains(error_of({"--wrapper", "a/tool", "-f", "docker", "-o", "o.tar"}),
                   "--wrapper: -f docker images have one root for every entry"));
}

TEST_CASE("pack options: slices share a destination only across entries") {
    auto places = [](std::vector<SliceOption> slices) {
        PackOptions o;
        o.slices = std::move(slices);
        try {
            check_slice_places(o);
            return std::string("ok");
        } catch (const burrow::Error& e) {
            return std::string(e.what());
        }
    };
    CHECK(places({{"/r/t1", "/mydistro/tool", "tool-1"}, {"/r/t2", "/mydistro/tool", "tool-2"}}) == "ok");
    CHECK(places({{"/r/t1", "/mydistro/tool", "tool-1"}, {"/r/lib", "/mydistro/lib", ""}}) == "ok");
    CHECK(contains(places({{"/r/a", "/d", ""}, {"/r/b", "/d", ""}}), "two slices have the destination /d"));
    // A slice of every entry and one of a wrapper: that entry would mount both.
    CHECK(contains(places({{"/r/a", "/d", ""}, {"/r/b", "/d", "tool-1"}}), "tool-1's slice /r/b"));
    CHECK(contains(places({{"/r/b", "/d", "tool-1"}, {"/r/a", "/d", ""}}), "two slices have the destination /d"));
    CHECK(contains(places({{"/r/a", "/d", "tool-1"}, {"/r/b", "/d", "tool-1"}}), "another slice of that entry"));
}

TEST_CASE("pack options: the manifest's arguments: meaning, not spelling; no host path") {
    auto norm = [](const V& argv, const std::set<std::string>& named) {
        return normalised_arguments(parse_command_line(argv).pack, named, "/gnu/store");
    };
    const std::set<std::string> items = {"abc-hello", "def-lib"};
    const V a = norm({"--store", "/tmp/a/gnu/store:/gnu/store", "def-lib", "abc-hello", "-o", "x.tar.gz"}, items);
    CHECK(a == V{"-f", "tarball", "-C", "gzip", "--store", "\u2026:/gnu/store", "--", "abc-hello", "def-lib"});
    // Another store copy, -C gzip spelled out, items by another order: the same record.
    CHECK(norm({"--store=/srv/copy/store:/gnu/store/", "-Cgzip", "abc-hello", "def-lib", "abc-hello", "-o", "y"},
               items) == a);
    for (const auto& s : a) CHECK_FALSE(contains(s, "/tmp/a"));
    const V b = norm({"--slice", "/home/u/build/tool=/opt/tool", "--runtime", "/x/burrow", "-e", "t=/opt/tool/bin/t",
                      "-f", "dir", "-o", "d"},
                     {});
    CHECK(b == V{"-f", "dir", "--slice", "\u2026=/opt/tool", "-e", "t=/opt/tool/bin/t", "--runtime", "\u2026"});
}

TEST_CASE("pack options: --prefix-dir NAME, one directory name, for -f tarball") {
    const V base{"--store", "/tmp/s", "x", "-o", "p.tar.gz"};
    auto with = [&](V extra) {
        V a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    CHECK(parse_command_line(base).pack.prefix_dir.empty());
    CHECK(parse_command_line(with({"--prefix-dir", "hello-1.0"})).pack.prefix_dir == "hello-1.0");
    CHECK(parse_command_line(with({"--prefix-dir=.hidden"})).pack.prefix_dir == ".hidden");
    CHECK(prefix_dir_problem("hello").empty());
    CHECK_FALSE(prefix_dir_problem("").empty());
    CHECK_FALSE(prefix_dir_problem(".").empty());
    CHECK_FALSE(prefix_dir_problem("..").empty());
    CHECK_FALSE(prefix_dir_problem("a/b").empty());
    CHECK_FALSE(prefix_dir_problem("a/").empty());
    CHECK_FALSE(prefix_dir_problem("/a").empty());
    CHECK_FALSE(prefix_dir_problem("a\nb").empty());
    CHECK_FALSE(prefix_dir_problem(std::string(256, 'a')).empty());
    CHECK(prefix_dir_problem(std::string(255, 'a')).empty());
    // The message names the option, what is wrong and how to fix it.
    const std::string slash = error_of(with({"--prefix-dir", "a/b"}));
    CHECK(contains(slash, "--prefix-dir 'a/b'"));
    CHECK(contains(slash, "more than one directory"));
    CHECK(contains(slash, "give one directory name"));
    CHECK(contains(error_of(with({"--prefix-dir", ".."})), "--prefix-dir '..'"));
    CHECK(contains(error_of(with({"--prefix-dir", ""})), "the name is empty"));
    CHECK(contains(error_of(with({"--prefix-dir", "a", "--prefix-dir", "b"})), "--prefix-dir given twice"));
    CHECK(contains(error_of(with({"--prefix-dir", "a", "-f", "dir"})), "--prefix-dir: only for -f tarball"));
    CHECK(contains(error_of(with({"--prefix-dir", "a", "-f", "run"})), "own cache"));
    CHECK(contains(error_of(with({"--prefix-dir", "a", "-f", "oci"})), "-f oci images"));
    CHECK(contains(usage_text(), "--prefix-dir NAME"));
}

TEST_CASE("pack options: check PACK [-- ENTRY ARG...]") {
    const Command all = parse_command_line({"check", "p.tar.gz"});
    CHECK(all.kind == Command::Kind::check);
    CHECK(all.target == "p.tar.gz");
    CHECK_FALSE(all.check_entry);
    const Command one = parse_command_line({"check", "p.tar.gz", "--", "sh", "-c", "echo --"});
    CHECK(one.target == "p.tar.gz");
    REQUIRE(one.check_entry);
    CHECK(*one.check_entry == "sh");
    CHECK(one.check_args == V{"-c", "echo --"});
    CHECK(parse_command_line({"check", "p", "--", "e"}).check_args.empty());
    CHECK(parse_command_line({"check", "--help"}).kind == Command::Kind::help);
    CHECK(contains(error_of({"check"}), "exactly one PACK"));
    CHECK(contains(error_of({"check", "a", "b"}), "exactly one PACK"));
    CHECK(contains(error_of({"check", "p", "--"}), "followed by the ENTRY"));
    CHECK(contains(error_of({"check", "--json", "p"}), "unknown option '--json'"));
    CHECK(contains(usage_text(), "check PACK [-- ENTRY"));
}
