// SHA-256 (OpenSSL EVP), streaming, with a lowercase hex result.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace burrow::pack {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    // The 32-byte digest; the object can then be reused after reset().
    std::string digest();
    std::string hex_digest();
    void reset();

  private:
    evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view data);
std::string to_hex(std::string_view bytes);

}  // namespace burrow::pack
