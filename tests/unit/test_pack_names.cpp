// burrow-pack: store item names, nix-base32, slice names.
#include <doctest/doctest.h>

#include "packer/sha256.hpp"
#include "packer/store_names.hpp"

using namespace burrow::pack;

TEST_CASE("pack names: the hash part of <hash>-<name>") {
    CHECK(hash_part("k613kh7wv6l3x4wjml3x2c4j2jzg06gh-hello-1.0") == "k613kh7wv6l3x4wjml3x2c4j2jzg06gh");
    CHECK_FALSE(hash_part("k613kh7wv6l3x4wjml3x2c4j2jzg06gh"));           // no name
    CHECK_FALSE(hash_part("k613kh7wv6l3x4wjml3x2c4j2jzg06gh-"));          // empty name
    CHECK_FALSE(hash_part("e613kh7wv6l3x4wjml3x2c4j2jzg06gh-hello"));     // 'e' is not nix-base32
    CHECK_FALSE(hash_part("k613kh7wv6l3x4wjml3x2c4j2jzg06g-hello-1.0"));  // 31 chars
    CHECK_FALSE(hash_part("python"));
}

TEST_CASE("pack names: nix-base32 matches Nix (sha256 of the empty string)") {
    Sha256 h;
    CHECK(nix_base32(h.digest()) == "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73");
    CHECK(nix_base32(std::string(20, '\0')) == std::string(32, '0'));
    CHECK(nix_base32("") == "");
}

TEST_CASE("pack names: slice names are a folded content hash plus the base name") {
    Sha256 h;
    h.update("some content");
    const std::string d = h.digest();
    const std::string n = slice_item_name(d, "python 3");
    CHECK(n.size() == 32 + 1 + 8);
    CHECK(n.substr(33) == "python_3");
    CHECK(hash_part(n));
    CHECK(slice_item_name(d, "python 3") == n);  // deterministic
    h.update("other");
    CHECK(slice_item_name(h.digest(), "python 3") != n);
}

TEST_CASE("pack names: what an item or entry name may be") {
    CHECK(name_problem("hello").empty());
    CHECK(name_problem("grüße").empty());
    CHECK(name_problem("") == "it is empty");
    CHECK(name_problem("..") == "it is '.' or '..'");
    CHECK(name_problem(".hidden") == "it starts with '.'");
    CHECK(name_problem("a/b") == "it contains '/'");
    CHECK(name_problem("a\nb") == "it contains a control character");
    CHECK(name_problem("a\xff") == "it is not valid UTF-8");
    CHECK_FALSE(valid_utf8("\xc3"));          // truncated
    CHECK_FALSE(valid_utf8("\xc0\xaf"));      // overlong '/'
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));  // surrogate
    CHECK(valid_utf8("\xf0\x9f\x90\x87"));    // U+1F407
}
