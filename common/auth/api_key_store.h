#pragma once

#include <atomic>
#include <memory>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <grpcpp/server_context.h>

namespace clienttier {

enum class Role { kReader = 1, kWriter = 2, kAdmin = 3 };

// Who is calling: derived from the API key, never from a request field.
struct Caller {
  std::string tenant_id;
  Role role;
  std::string key_id;  // first 8 hex digits of the key's hash, safe to log
  // A service key (tenant `*`) acting for `tenant_id`: another ClientTier service, which a
  // service gives only what services need (least privilege, e.g. client-profile leaves out
  // names, contacts and free text).
  bool service = false;
};

// Maps API keys to tenant and role. Keys are stored only as SHA-256 hex digests, one per line
// of the keys file:   <sha256-hex> <tenant_id> <reader|writer|admin>   ('#' starts a comment).
// `printf %s "$KEY" | sha256sum` gives the digest. A service key (tenant `*`) belongs to
// another ClientTier service: it acts for the tenant named in the "x-tenant-id" metadata of
// each call, never above the role on its line (scoring's key for referral is a reader). The file is re-read when its modification
// time changes (checked at most once a second), so keys rotate without a restart.
class ApiKeyStore {
 public:
  explicit ApiKeyStore(std::string path);

  // Reads the key from metadata "x-api-key" (or "authorization: Bearer <key>").
  // Throws DomainError kUnauthenticated / kPermissionDenied.
  // Works for sync and callback handlers alike (their contexts share this base).
  Caller Authenticate(const grpc::ServerContextBase& context, Role required);
  Caller AuthenticateKey(const std::string& api_key, Role required);

  static std::string Sha256Hex(const std::string& text);
  static std::optional<Role> ParseRole(const std::string& text);

 private:
  using KeyTable = std::map<std::string, Caller>;

  // At most once a second; a thread that finds another already checking does not wait.
  void ReloadIfChanged();
  std::shared_ptr<const KeyTable> Keys() const;
  static std::string CachedSha256Hex(const std::string& api_key);

  std::string path_;
  // Every RPC reads the table: it is swapped whole (atomic_load/atomic_store), so readers
  // never wait for each other.
  std::shared_ptr<const KeyTable> by_hash_ = std::make_shared<KeyTable>();
  std::mutex reload_mutex_;
  int64_t loaded_mtime_ns_ = -1;
  std::atomic<int64_t> next_check_ns_{0};
};

}  // namespace clienttier
