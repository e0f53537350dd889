// Store item names: the Nix/Guix "<32 nix-base32 chars>-<name>" shape, names for slices,
// and the checks every name in a pack passes. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace burrow::pack {

inline constexpr std::size_t kHashChars = 32;
inline constexpr std::string_view kBase32Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

bool is_base32_char(unsigned char c);
// Characters Nix allows in store names after the hash: [A-Za-z0-9+-._?=].
bool is_store_name_char(unsigned char c);

// The hash part of "<hash>-<name>", or nullopt when the name does not have that shape.
std::optional<std::string_view> hash_part(std::string_view item_name);

// Nix's base32 (least significant bits first, its own alphabet).
std::string nix_base32(std::string_view bytes);

// Name of a slice imported with --slice DIR=DEST: the item's content digest folded to
// 160 bits (as Nix compresses hashes), nix-base32, "-", the directory's base name with
// characters outside [A-Za-z0-9+-._?=] replaced by '_'.
std::string slice_item_name(std::string_view content_digest, std::string_view base_name);

bool valid_utf8(std::string_view s);

// A name as printed in a message: as is, or JSON-quoted when it is empty or holds a
// space, a '"', a control character or invalid UTF-8 (so a hostile name cannot forge
// lines of a report).
std::string shown_name(std::string_view name);

// A store item name or an entry name: one path component, not hidden, printable, UTF-8.
// Returns the reason it is not valid, or empty.
std::string name_problem(std::string_view name);

}  // namespace burrow::pack
