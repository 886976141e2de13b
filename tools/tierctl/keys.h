#pragma once

#include <string>

namespace clienttier::tierctl {

// A new API key and the line that admits it in a services' keys file
// (common/auth/api_key_store.h: "<sha256-hex of the key> <tenant> <role>").
struct NewKey {
  std::string key;   // shown once to whoever asked; stored nowhere
  std::string line;  // for the keys file: holds only the key's digest
};

// Makes a key from `random_bytes` (at least 32 bytes, from the system's random source):
// "ct_" + 64 hex digits. The tenant is 1 to 64 characters of [A-Za-z0-9_.:-], or "*" for a
// service key; the role is reader, writer or admin. Returns "" or what is wrong, naming the
// flag.
std::string MakeKey(const std::string& tenant, const std::string& role,
                    const std::string& random_bytes, NewKey* out);

}  // namespace clienttier::tierctl
