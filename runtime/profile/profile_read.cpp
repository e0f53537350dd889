#include "runtime/profile/profile_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <set>

#include "runtime/base/error.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/profile/profile_load.hpp"

namespace burrow::profile {

namespace {

std::string size_text(std::size_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    std::string s = buf;
    if (s == "1.0 MiB") s = std::to_string(bytes) + " bytes";
    return s;
}

std::string too_big(std::size_t bytes) { return "profile is " + size_text(bytes) + "; the limit is 1 MiB"; }

// The last character before `pos` that is not white space or inside a comment.
char last_significant(const std::string& text, std::size_t pos) {
    enum { normal, string, escape, line_comment, block_comment } st = normal;
    char last = 0;
    for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
        char c = text[i];
        switch (st) {
            case normal:
                if (c == '"') {
                    st = string;
                    last = c;
                } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
                    st = line_comment;
                    ++i;
                } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
                    st = block_comment;
                    ++i;
                } else if (!std::isspace(static_cast<unsigned char>(c))) {
                    last = c;
                }
                break;
            case string:
                if (c == '\\')
                    st = escape;
                else if (c == '"')
                    st = normal;
                break;
            case escape: st = string; break;
            case line_comment:
                if (c == '\n') st = normal;
                break;
            case block_comment:
                if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
                    st = normal;
                    ++i;
                }
                break;
        }
    }
    return last;
}

// nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 15:
// syntax error while parsing object key - unexpected '}'; expected string literal".
// Keep the part that means something to a user and add a hint for the usual mistakes.
std::string syntax_message(const std::string& what, const std::string& text, std::size_t pos) {
    std::string body = what;
    if (auto dash = body.find(" - "); dash != std::string::npos)
        body = body.substr(dash + 3);
    else if (auto colon = body.find(": "); colon != std::string::npos)
        body = body.substr(colon + 2);
    std::string expected;
    if (auto e = body.rfind("; expected "); e != std::string::npos) {
        expected = body.substr(e + 2);
        body.resize(e);
    }
    if (auto l = body.find("; last read: "); l != std::string::npos) body.resize(l);

    char here = pos < text.size() ? text[pos] : 0;
    bool in_key = what.find("while parsing object key") != std::string::npos;
    if ((here == '}' || here == ']') && last_significant(text, pos) == ',')
        return body + " (trailing commas are not allowed)";
    if (here == '\'') return body + " (strings and keys need double quotes)";
    if (here == '#') return body + " (\"#!\" is allowed on the first line only; comments are // or /* */)";
    if (in_key && (std::isalpha(static_cast<unsigned char>(here)) || here == '_'))
        return body + " (keys need double quotes)";
    if (!expected.empty()) return body + "; " + expected;
    return body;
}

// Records the path of containers while parsing so that a duplicate key can be named by
// its JSON pointer (nlohmann would silently keep the last value).
class DuplicateFinder {
  public:
    DuplicateFinder(const Doc& doc, Problems& out) : doc_(doc), out_(out) {}

    bool operator()(int, ojson::parse_event_t event, ojson& parsed) {
        using E = ojson::parse_event_t;
        switch (event) {
            case E::object_start:
            case E::array_start:
                // Later stages walk the document recursively: keep it shallow.
                if (stack_.size() == kMaxDepth && !too_deep_) {
                    out_.add(doc_, pointer(), "nested more than " + std::to_string(kMaxDepth) + " levels deep");
                    too_deep_ = found_ = true;
                }
                stack_.push_back(Frame{event == E::array_start, {}, {}, 0});
                break;
            case E::key: {
                Frame& top = stack_.back();
                top.key = parsed.get<std::string>();
                if (!top.keys.insert(top.key).second) {
                    out_.add(doc_, pointer(), "duplicate key " + quote(top.key));
                    found_ = true;
                }
                break;
            }
            case E::value: advance(); break;
            case E::object_end:
            case E::array_end:
                stack_.pop_back();
                advance();
                break;
        }
        return true;
    }
    bool found() const { return found_; }

  private:
    struct Frame {
        bool array;
        std::set<std::string> keys;
        std::string key;
        std::size_t index;
    };
    void advance() {
        if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
    }
    std::string pointer() const {
        std::string p;
        for (const auto& f : stack_) p = f.array ? pointer_join(p, f.index) : pointer_join(p, f.key);
        return p;
    }
    static constexpr std::size_t kMaxDepth = 64;
    const Doc& doc_;
    Problems& out_;
    std::vector<Frame> stack_;
    bool found_ = false, too_deep_ = false;
};

std::string position_prefix(const Doc& doc, const std::string& text, std::size_t pos) {
    std::size_t line = 1, line_start = 0;
    for (std::size_t i = 0; i < pos && i < text.size(); ++i)
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    std::string s = doc.file + ":" + std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
    if (!doc.via.empty()) s += " (via " + join(doc.via, " → ") + ")";
    return s;
}

}  // namespace

std::optional<ojson> parse_text(std::string text, const Doc& doc, Problems& out) {
    if (text.size() > kMaxProfileBytes) {
        out.add(doc.label() + ": " + too_big(text.size()));
        return std::nullopt;
    }
    // "#!/usr/bin/env -S burrow --profile": the line is dropped, its newline kept, so that
    // line numbers stay right.
    if (text.rfind("#!", 0) == 0) text.erase(0, std::min(text.find('\n'), text.size()));
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        out.add(doc.label() + ": empty file; a profile is a JSON object such as {\"version\": 1, …}");
        return std::nullopt;
    }
    DuplicateFinder dups(doc, out);
    ojson j;
    try {
        j = ojson::parse(text, std::ref(dups), /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const ojson::parse_error& e) {
        std::size_t pos = e.byte > 0 ? e.byte - 1 : 0;
        if (pos > text.size()) pos = text.size();
        out.add(position_prefix(doc, text, pos) + ": syntax error: " + syntax_message(e.what(), text, pos));
        return std::nullopt;
    } catch (const ojson::exception& e) {
        // e.g. out_of_range.406 for a number like 1e400
        std::string what = e.what();
        if (auto b = what.find("] "); b != std::string::npos) what = what.substr(b + 2);
        out.add(doc.label() + ": syntax error: " + what);
        return std::nullopt;
    }
    if (dups.found()) return std::nullopt;
    if (!j.is_object()) {
        out.add(doc, "", "expected an object, got " + (j.is_array() ? std::string("an array") : describe(j)));
        return std::nullopt;
    }
    return j;
}

FileText read_file(const std::string& path, const Doc& doc, Problems& out) {
    FileText r;
    // O_NONBLOCK: opening a FIFO by mistake must not hang; it is rejected below.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) {
        r.status = FileText::Status::cannot_open;
        r.err = errno;
        return r;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        out.add(doc.label() + ": cannot read: " + errno_text(errno));
        r.status = FileText::Status::rejected;
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        const char* kind = S_ISDIR(st.st_mode)    ? "a directory"
                           : S_ISFIFO(st.st_mode) ? "a FIFO"
                           : S_ISSOCK(st.st_mode) ? "a socket"
                           : S_ISCHR(st.st_mode)  ? "a character device"
                           : S_ISBLK(st.st_mode)  ? "a block device"
                                                  : "not a file";
        out.add(doc.label() + ": not a regular file (it is " + kind + "); a profile is a JSON file");
        r.status = FileText::Status::rejected;
        return r;
    }
    if (static_cast<std::size_t>(st.st_size) > kMaxProfileBytes) {
        out.add(doc.label() + ": " + too_big(static_cast<std::size_t>(st.st_size)));
        r.status = FileText::Status::rejected;
        return r;
    }
    r.dev = st.st_dev;
    r.ino = st.st_ino;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.add(doc.label() + ": cannot read: " + errno_text(errno));
            r.status = FileText::Status::rejected;
            return r;
        }
        if (n == 0) break;
        r.text.append(buf, static_cast<std::size_t>(n));
        if (r.text.size() > kMaxProfileBytes) {  // grew while we read it
            out.add(doc.label() + ": " + too_big(r.text.size()));
            r.status = FileText::Status::rejected;
            return r;
        }
    }
    return r;
}

}  // namespace burrow::profile

namespace burrow {

nlohmann::json parse_profile_text(const std::string& text, const std::string& file) {
    profile::Doc doc;
    doc.file = file;
    profile::Problems problems;
    auto j = profile::parse_text(text, doc, problems);
    problems.throw_if_any();
    return nlohmann::json(*j);
}

}  // namespace burrow
