#include "runtime/base/path_search.hpp"

namespace burrow {

std::optional<std::string> search_path_dirs(std::string_view dirs, std::string_view name, EmptyPathEntry empty,
                                            const std::function<bool(const std::string&)>& found) {
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string_view::npos) end = dirs.size();
        const std::string_view dir = dirs.substr(start, end - start);
        start = end + 1;
        if (dir.empty() && empty == EmptyPathEntry::skip) continue;
        std::string cand(dir.empty() ? std::string_view(".") : dir);
        cand += '/';
        cand += name;
        if (found(cand)) return cand;
    }
    return std::nullopt;
}

}  // namespace burrow
