#include "tools/tierctl/keys.h"

#include "common/auth/api_key_store.h"

namespace clienttier::tierctl {

namespace {

bool IsTenantId(const std::string& tenant) {
  if (tenant == "*") {
    return true;
  }
  if (tenant.empty() || tenant.size() > 64) {
    return false;
  }
  for (char c : tenant) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-';
    if (!allowed) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string MakeKey(const std::string& tenant, const std::string& role,
                    const std::string& random_bytes, NewKey* out) {
  if (!IsTenantId(tenant)) {
    return "--tenant: 1 to 64 characters of [A-Za-z0-9_.:-], or * for a service key";
  }
  if (!ApiKeyStore::ParseRole(role)) {
    return "--role: reader, writer or admin";
  }
  if (random_bytes.size() < 32) {
    return "not enough random bytes for a key";
  }
  static const char kHex[] = "0123456789abcdef";
  std::string key = "ct_";
  for (size_t i = 0; i < 32; ++i) {
    const auto byte = static_cast<unsigned char>(random_bytes[i]);
    key += kHex[byte >> 4];
    key += kHex[byte & 0x0f];
  }
  out->key = key;
  out->line = ApiKeyStore::Sha256Hex(key) + " " + tenant + " " + role;
  return "";
}

}  // namespace clienttier::tierctl
