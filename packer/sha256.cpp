#include "packer/sha256.hpp"

#include <openssl/evp.h>

#include "runtime/base/error.hpp"

namespace burrow::pack {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) throw Error("out of memory (EVP_MD_CTX_new)", 1);
    reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::reset() {
    if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw Error("cannot initialise SHA-256 (OpenSSL)", 1);
}

void Sha256::update(const void* data, std::size_t size) {
    if (size != 0 && EVP_DigestUpdate(ctx_, data, size) != 1) throw Error("SHA-256 update failed (OpenSSL)", 1);
}

std::string Sha256::digest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &len) != 1) throw Error("SHA-256 final failed (OpenSSL)", 1);
    reset();
    return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Sha256::hex_digest() { return to_hex(digest()); }

std::string to_hex(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.hex_digest();
}

}  // namespace burrow::pack
