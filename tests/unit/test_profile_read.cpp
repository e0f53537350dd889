// Profile loader, stage P: reading files and parsing their text.
#include <sys/stat.h>
#include <unistd.h>

#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

TEST_CASE("P1: an empty file has its own message") {
    const std::string msg = "p.json: empty file; a profile is a JSON object such as {\"version\": 1, …}";
    CHECK(parse_errors("") == std::vector<std::string>{msg});
    CHECK(parse_errors(" \n\t\n") == std::vector<std::string>{msg});
    CHECK(parse_errors("#!/usr/bin/env -S burrow --profile\n") == std::vector<std::string>{msg});
    TempDir dir;
    std::string p = dir.write("p.json", "");
    CHECK(load_error(p) == p + ": empty file; a profile is a JSON object such as {\"version\": 1, …}");
}

TEST_CASE("P2: a trailing comma is a syntax error with line, column and hint") {
    CHECK(parse_errors("{\"version\": 1,}") ==
          std::vector<std::string>{"p.json:1:15: syntax error: unexpected '}' (trailing commas are not allowed)"});
    CHECK(parse_errors("{\"version\": 1, \"args\": [\"a\",\n  ]}") ==
          std::vector<std::string>{"p.json:2:3: syntax error: unexpected ']' (trailing commas are not allowed)"});
    // A comment between the comma and the brace does not hide the comma.
    CHECK(parse_errors("{\"version\": 1, /* c */ }") ==
          std::vector<std::string>{"p.json:1:24: syntax error: unexpected '}' (trailing commas are not allowed)"});
}

TEST_CASE("P3: single quotes and unquoted keys get a hint") {
    CHECK(parse_errors("{'version': 1}") ==
          std::vector<std::string>{"p.json:1:2: syntax error: invalid literal (strings and keys need double quotes)"});
    CHECK(parse_errors("{\n  version: 1}") ==
          std::vector<std::string>{"p.json:2:3: syntax error: invalid literal (keys need double quotes)"});
}

TEST_CASE("P: other syntax errors keep what was expected") {
    CHECK(parse_errors("{\"version\" 1}") ==
          std::vector<std::string>{"p.json:1:12: syntax error: unexpected number literal; expected ':'"});
    CHECK(parse_errors("{\"version\": 1} {}") ==
          std::vector<std::string>{"p.json:1:16: syntax error: unexpected '{'; expected end of input"});
}

TEST_CASE("P4: the top level must be an object") {
    CHECK(parse_errors("[{\"version\": 1}]") ==
          std::vector<std::string>{"p.json: /: expected an object, got an array"});
    CHECK(parse_errors("1") == std::vector<std::string>{"p.json: /: expected an object, got integer 1"});
}

TEST_CASE("P5: duplicate keys are rejected with their pointer") {
    CHECK(parse_errors("{\"version\":1,\"process\":{\"cwd\":\"/a\",\"cwd\":\"/b\"}}") ==
          std::vector<std::string>{"p.json: /process/cwd: duplicate key \"cwd\""});
    // Inside arrays, with escaped keys, and all of them.
    CHECK(parse_errors("{\"version\":1,\"mounts\":[{},{\"type\":\"dir\",\"type\":\"dir\"}],"
                       "\"process\":{\"env\":{\"set\":{\"a/b\":\"1\",\"a/b\":\"2\"}}},\"version\":1}") ==
          std::vector<std::string>{"p.json: /mounts/1/type: duplicate key \"type\"",
                                   "p.json: /process/env/set/a~1b: duplicate key \"a/b\"",
                                   "p.json: /version: duplicate key \"version\""});
    // The same key in different objects is fine.
    CHECK_NOTHROW(parse_profile_text("{\"version\":1,\"mounts\":[{\"type\":\"proc\"},{\"type\":\"dev\"}]}", "p.json"));
}

TEST_CASE("P6: invalid strings report line and column") {
    CHECK(parse_errors("{\n  \"version\": 1,\n  \"hostname\": \"a\\ud800\"\n}") ==
          std::vector<std::string>{"p.json:3:23: syntax error: invalid string: surrogate U+D800..U+DBFF must be "
                                   "followed by U+DC00..U+DFFF"});
}

TEST_CASE("P7: profiles are limited to 1 MiB") {
    std::string big = "{\"version\": 1, \"description\": \"" + std::string(3 * 1024 * 1024 - 40, 'x') + "\"}";
    REQUIRE(big.size() > 3 * 1024 * 1024 - 100);
    CHECK(parse_errors(std::string(3 * 1024 * 1024, ' ')) ==
          std::vector<std::string>{"p.json: profile is 3.0 MiB; the limit is 1 MiB"});
    TempDir dir;
    std::string p = dir.write("p.json", std::string(3 * 1024 * 1024, ' '));
    CHECK(load_error(p) == p + ": profile is 3.0 MiB; the limit is 1 MiB");
    // Just above the limit: bytes, not a rounded "1.0 MiB".
    p = dir.write("q.json", std::string(1024 * 1024 + 1, ' '));
    CHECK(load_error(p) == p + ": profile is 1048577 bytes; the limit is 1 MiB");
    // Exactly at the limit is accepted.
    std::string ok = doc("\"extends\": \"builtin:pack\"");
    p = dir.write("r.json", ok + std::string(1024 * 1024 - ok.size(), ' '));
    CHECK_NOTHROW(load_ok(p));
}

TEST_CASE("P: a #! first line is ignored and line numbers stay right") {
    auto j = parse_profile_text("#!/usr/bin/env -S burrow --profile\n{\"version\": 1}", "p.json");
    CHECK(j == nlohmann::json{{"version", 1}});
    CHECK(parse_errors("#!/usr/bin/env -S burrow --profile\n{\n\"version\": 1,}") ==
          std::vector<std::string>{"p.json:3:14: syntax error: unexpected '}' (trailing commas are not allowed)"});
    // Only on the first line.
    CHECK(parse_errors("\n#!/bin/x\n{}") ==
          std::vector<std::string>{"p.json:2:1: syntax error: invalid literal (\"#!\" is allowed on the first line "
                                   "only; comments are // or /* */)"});
}

TEST_CASE("P: a profile file may be an executable with #! and comments") {
    TempDir dir;
    std::string p = dir.write("tool.json",
                              "#!/usr/bin/env -S burrow --profile\n"
                              "// a tool sandbox\n"
                              "{ \"version\": 1, /* the base */ \"extends\": \"builtin:sandbox\",\n"
                              "  \"x-packer-version\": \"0.1\", \"hostname\": \"tool\" // named\n"
                              "}\n");
    Profile pr = load_ok(p);
    CHECK(pr.hostname == "tool");
    CHECK(pr.name == "tool");
    p = dir.write("bad.json", "#!/usr/bin/env -S burrow --profile\n{\"version\": 1,\n\"hostname\": \"x\",}");
    CHECK(load_error(p) == p + ":3:17: syntax error: unexpected '}' (trailing commas are not allowed)");
}

TEST_CASE("P: comments are allowed") {
    auto j = parse_profile_text("// profile\n{ /* a */ \"version\": 1 // one\n}", "p.json");
    CHECK(j == nlohmann::json{{"version", 1}});
}

TEST_CASE("P: an unterminated comment or document") {
    CHECK(parse_errors("{\"version\": 1") ==
          std::vector<std::string>{"p.json:1:14: syntax error: unexpected end of input; expected '}'"});
    auto m = parse_errors("{\"version\": 1 /* open");
    REQUIRE(m.size() == 1);
    CHECK(m[0].rfind("p.json:1:", 0) == 0);
    CHECK(m[0].find("syntax error: ") != std::string::npos);
}

TEST_CASE("P: files: not found, not regular, symlinks") {
    TempDir dir;
    CHECK(load_error(dir.path() + "/missing.json") ==
          dir.path() + "/missing.json: cannot open: No such file or directory");
    std::string sub = dir.path() + "/sub.json";
    REQUIRE(::mkdir(sub.c_str(), 0755) == 0);
    CHECK(load_error(sub) == sub + ": not a regular file (it is a directory); a profile is a JSON file");
    std::string fifo = dir.path() + "/fifo.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    CHECK(load_error(fifo) == fifo + ": not a regular file (it is a FIFO); a profile is a JSON file");

    std::string target = dir.write("real/p.json", doc("\"extends\": \"builtin:pack\", \"hostname\": \"h\", "
                                                      "\"namespaces\": {\"uts\": true}"));
    std::string link = dir.path() + "/link.json";
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
    Profile p = load_ok(link);
    CHECK(p.hostname == "h");
    CHECK(p.source == link);
    CHECK(p.name == "link");
}

TEST_CASE("P: problems in an extended file name the file and the chain") {
    TempDir dir;
    dir.write("base.json", "{\"version\": 1,\n \"root\": {\"host\": \"all\",}}");
    std::string child = dir.write("child.json", doc("\"extends\": \"./base.json\""));
    CHECK(load_error(child) == dir.path() + "/base.json:2:25 (via " + child +
                                   "): syntax error: unexpected '}' (trailing commas are not allowed)");
    dir.write("base.json", "");
    CHECK(load_error(child) == dir.path() + "/base.json (via " + child +
                                   "): empty file; a profile is a JSON "
                                   "object such as {\"version\": 1, …}");
}

TEST_CASE("P: documents nested too deeply are rejected") {
    std::string deep = "{\"version\": 1, \"x-deep\": " + std::string(65, '[') + std::string(65, ']') + "}";
    CHECK(parse_errors(deep) ==
          std::vector<std::string>{
              "p.json: /x-deep/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
              "0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nested more than 64 levels deep"});
    std::string ok = "{\"version\": 1, \"x-deep\": " + std::string(63, '[') + std::string(63, ']') + "}";
    CHECK_NOTHROW(parse_profile_text(ok, "p.json"));
    // A megabyte of brackets neither overflows the stack nor takes long.
    std::string huge(1024 * 1024 - 2, '[');
    auto m = parse_errors("{\"a\":" + huge.substr(6) + "}");
    REQUIRE(m.size() == 2);
    CHECK(m[0].find(": nested more than 64 levels deep") != std::string::npos);
    CHECK(m[1].rfind("p.json:1:", 0) == 0);
}
