#include "common/auth/api_key_store.h"

#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>

#include <openssl/evp.h>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier {

namespace {
constexpr char kAnyTenant[] = "*";
constexpr size_t kMaxTenantIdLength = 64;
}  // namespace

namespace {

// Compares digests without an early exit, so timing does not reveal a matching prefix.
bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace

ApiKeyStore::ApiKeyStore(std::string path) : path_(std::move(path)) {
  ReloadIfChanged();
  if (loaded_mtime_ns_ < 0) {
    throw std::invalid_argument("api-keys-file: cannot read '" + path_ + "'");
  }
}

std::string ApiKeyStore::Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw Internal("sha256 failed");
  }
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::optional<Role> ApiKeyStore::ParseRole(const std::string& text) {
  if (text == "reader") {
    return Role::kReader;
  }
  if (text == "writer") {
    return Role::kWriter;
  }
  if (text == "admin") {
    return Role::kAdmin;
  }
  return std::nullopt;
}

std::shared_ptr<const ApiKeyStore::KeyTable> ApiKeyStore::Keys() const {
  return std::atomic_load(&by_hash_);
}

// A caller sends the same key on every call, and OpenSSL 3's one-shot digest costs about a
// microsecond of fetch overhead; each thread remembers its last few keys' digests. Compared in
// constant time, so a probe cannot learn another caller's key from timing.
std::string ApiKeyStore::CachedSha256Hex(const std::string& api_key) {
  constexpr size_t kRemembered = 8;
  thread_local std::array<std::pair<std::string, std::string>, kRemembered> recent;
  thread_local size_t next = 0;
  for (const auto& [key, digest] : recent) {
    if (!key.empty() && ConstantTimeEquals(key, api_key)) {
      return digest;
    }
  }
  std::string digest = Sha256Hex(api_key);
  recent[next] = {api_key, digest};
  next = (next + 1) % kRemembered;
  return digest;
}

void ApiKeyStore::ReloadIfChanged() {
  const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  if (now_ns < next_check_ns_.load(std::memory_order_relaxed)) {
    return;
  }
  std::unique_lock<std::mutex> reload(reload_mutex_, std::try_to_lock);
  if (!reload.owns_lock()) {
    return;
  }
  next_check_ns_.store(now_ns + 1'000'000'000, std::memory_order_relaxed);
  struct stat info {};
  if (stat(path_.c_str(), &info) != 0) {
    Logger::LogRateLimited("api-keys-missing", std::chrono::seconds(30), Severity::kWarning,
                           "api keys file unreadable; keeping the keys loaded before",
                           {{"path", path_}});
    return;
  }
  const int64_t mtime_ns =
      static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  if (mtime_ns == loaded_mtime_ns_) {
    return;
  }
  std::ifstream file(path_);
  KeyTable loaded;
  std::string line;
  int line_number = 0;
  while (std::getline(file, line)) {
    ++line_number;
    if (const auto hash = line.find('#'); hash != std::string::npos) {
      line.resize(hash);
    }
    std::istringstream fields(line);
    std::string digest;
    std::string tenant;
    std::string role_text;
    if (!(fields >> digest)) {
      continue;
    }
    fields >> tenant >> role_text;
    const auto role = ParseRole(role_text);
    if (digest.size() != 64 || tenant.empty() || !role) {
      LogWarning("api keys file: skipping malformed line", {{"line", line_number}});
      continue;
    }
    loaded[digest] = Caller{tenant, *role, digest.substr(0, 8), false};
  }
  const size_t count = loaded.size();
  std::atomic_store(&by_hash_, std::shared_ptr<const KeyTable>(
                                   std::make_shared<const KeyTable>(std::move(loaded))));
  loaded_mtime_ns_ = mtime_ns;
  LogInfo("api keys loaded", {{"count", count}});
}

Caller ApiKeyStore::AuthenticateKey(const std::string& api_key, Role required) {
  if (api_key.empty()) {
    throw DomainError(ErrorKind::kUnauthenticated, "missing API key (metadata x-api-key)");
  }
  const std::string digest = CachedSha256Hex(api_key);
  ReloadIfChanged();
  const std::shared_ptr<const KeyTable> keys = Keys();
  const auto found = keys->lower_bound(digest);
  if (found == keys->end() || !ConstantTimeEquals(found->first, digest)) {
    throw DomainError(ErrorKind::kUnauthenticated, "unknown API key");
  }
  if (static_cast<int>(found->second.role) < static_cast<int>(required)) {
    throw DomainError(ErrorKind::kPermissionDenied, "this API key's role may not call this method");
  }
  return found->second;
}

Caller ApiKeyStore::Authenticate(const grpc::ServerContextBase& context, Role required) {
  const auto& metadata = context.client_metadata();
  std::string key;
  if (auto found = metadata.find("x-api-key"); found != metadata.end()) {
    key.assign(found->second.data(), found->second.size());
  } else if (auto bearer = metadata.find("authorization"); bearer != metadata.end()) {
    const std::string value(bearer->second.data(), bearer->second.size());
    if (value.rfind("Bearer ", 0) == 0) {
      key = value.substr(7);
    }
  }
  Caller caller = AuthenticateKey(key, required);
  if (caller.tenant_id == kAnyTenant) {
    const auto tenant = metadata.find("x-tenant-id");
    if (tenant == metadata.end() || tenant->second.empty() ||
        tenant->second.size() > kMaxTenantIdLength) {
      throw DomainError(ErrorKind::kUnauthenticated,
                        "a service key needs the tenant in metadata x-tenant-id");
    }
    caller.tenant_id.assign(tenant->second.data(), tenant->second.size());
    caller.service = true;
  }
  return caller;
}

}  // namespace clienttier
