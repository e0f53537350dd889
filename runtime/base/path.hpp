// Lexical path handling shared by burrow and burrow-pack: no system calls, no file system.
// Where callers needed different answers for the same edge case, each answer is its own
// function below; pick by the edge case, not by the name alone.
#pragma once

#include <string>
#include <string_view>

namespace burrow {

// What stands before the last '/': "a/b" → "a", "b" → ".", "/b" → "/", "a/b/" → "a/b".
std::string dirname_of(std::string_view path);
// The same after dropping trailing slashes: "a/b/" → "a", "/" → "/".
std::string dirname_trimmed(std::string_view path);
// The parent of an absolute path: as dirname_of, but "/" (not ".") when there is no slash.
std::string parent_of(std::string_view path);
// What follows the last '/' (all of it when there is none): "a/b" → "b", "a/" → "".
std::string basename_of(std::string_view path);

// dir + "/" + rel without doubling a '/'; either part empty gives the other.
std::string join_path(const std::string& dir, const std::string& rel);
// dir + "/" + rel (rel alone when it is absolute), then normalise_display.
std::string join_display(const std::string& dir, const std::string& rel);

// "//" and "/./" collapse, ".." removes the previous component (never above "/"), a
// trailing "/" is dropped. The result is always absolute: "a/b" is read as "/a/b".
std::string normalise_absolute(std::string_view path);
// The same for display: an absolute path as above; a relative one keeps its leading ".."
// components and stays relative; "" becomes ".".
std::string normalise_display(std::string_view path);
// The same collapsing for input that must not climb: "" when `path` is relative or has a
// ".." component ("/a//b/./c/" → "/a/b/c", "/a/../b" → "").
std::string normalise_absolute_strict(std::string_view path);

// Three answers to "is PATH at or below DIR?". They agree when DIR is not "/": PATH is DIR,
// or begins with DIR followed by '/'. For DIR "/":
// is_under: every absolute path is under "/" (the mount code's relation).
bool is_under(std::string_view path, std::string_view dir);
// path_within: every string is within "/", relative or empty too (the relation
// runtime/base/path_index.hpp answers for any strings, normalised or not).
bool path_within(std::string_view inner, std::string_view outer);
// has_dir_prefix: "/" is an ordinary prefix and holds only itself, so a store or slice at
// "/" is never taken to hold the paths below it (packer/pack.cpp).
bool has_dir_prefix(std::string_view path, std::string_view dir);
// is_under, and not `dir` itself.
bool is_below(std::string_view path, std::string_view dir);

}  // namespace burrow
