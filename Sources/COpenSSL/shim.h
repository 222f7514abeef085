#ifndef BERMO_COPENSSL_SHIM_H
#define BERMO_COPENSSL_SHIM_H
// Only libcrypto's message digests (EVP): SHA-256 of downloads and caches, SHA-1 of git blob ids.
// Debian's libssl-dev installs the header and pkg-config's `libcrypto`.
#include <openssl/evp.h>
#endif
