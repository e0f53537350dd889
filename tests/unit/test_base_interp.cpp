// interpreter_of(): the #! line's interpreter or the ELF loader, from a file's first bytes.
#include <doctest/doctest.h>

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "runtime/base/interp.hpp"

using burrow::interpreter_of;

TEST_CASE("interp: #! lines") {
    CHECK(interpreter_of("#!/bin/sh\necho hi\n") == "/bin/sh");
    CHECK(interpreter_of("#! /usr/bin/env python3 -u\n") == "/usr/bin/env");
    CHECK(interpreter_of("#!/gnu/store/x-dash/bin/sh") == "/gnu/store/x-dash/bin/sh");  // no newline
    CHECK(interpreter_of("#!/bin/sh\r\n") == "/bin/sh");
    CHECK(interpreter_of("#!   \n") == std::nullopt);
    CHECK(interpreter_of("#!") == std::nullopt);
    CHECK(interpreter_of("echo hi\n") == std::nullopt);
    CHECK(interpreter_of("") == std::nullopt);
}

TEST_CASE("interp: ELF files: PT_INTERP, and nothing read out of bounds") {
    std::ifstream in("/proc/self/exe", std::ios::binary);
    std::string self((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(self.size() > sizeof(Elf64_Ehdr));
    // The unit tests are dynamically linked: their loader is named.
    const auto mine = interpreter_of(self);
    REQUIRE(mine);
    CHECK(mine->rfind("/", 0) == 0);
    CHECK(mine->find("ld") != std::string::npos);
    // Every truncation is either the same answer or none, never a crash.
    for (std::size_t n = 0; n < 4096 && n < self.size(); n += 7) {
        const auto got = interpreter_of(std::string_view(self).substr(0, n));
        CHECK((!got || *got == *mine));
    }
    // A made-up ELF64 header whose program headers point past the end.
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_phoff = 1u << 30;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 3;
    std::string h(reinterpret_cast<const char*>(&eh), sizeof eh);
    CHECK(interpreter_of(h) == std::nullopt);
    // ... and one whose PT_INTERP is right there.
    eh.e_phoff = sizeof eh;
    eh.e_phnum = 1;
    Elf64_Phdr ph{};
    ph.p_type = PT_INTERP;
    ph.p_offset = sizeof eh + sizeof ph;
    const char loader[] = "/gnu/store/x-glibc/lib/ld-linux-x86-64.so.2";
    ph.p_filesz = sizeof loader;
    std::string f(reinterpret_cast<const char*>(&eh), sizeof eh);
    f.append(reinterpret_cast<const char*>(&ph), sizeof ph);
    f.append(loader, sizeof loader);
    CHECK(interpreter_of(f) == std::string(loader));
    ph.p_filesz = 1u << 20;  // longer than the file
    std::string g(reinterpret_cast<const char*>(&eh), sizeof eh);
    g.append(reinterpret_cast<const char*>(&ph), sizeof ph);
    g.append(loader, sizeof loader);
    CHECK(interpreter_of(g) == std::nullopt);
}
