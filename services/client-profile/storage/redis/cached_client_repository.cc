#include "services/client-profile/storage/redis/cached_client_repository.h"

#include "services/client-profile/domain/profile_events.h"

namespace clienttier::profile {

v1::Client CachedClientRepository::Create(const std::string& tenant_id, const v1::Client& client,
                                          const std::string& key_id) {
  v1::Client created = inner_.Create(tenant_id, client, key_id);
  cache_.Invalidate({ClientCacheKey(
      tenant_id, client.client_id())});  // a cached NOT_FOUND is not kept, but be safe
  return created;
}

std::optional<v1::Client> CachedClientRepository::GetWithoutIo(const std::string& tenant_id,
                                                               const std::string& client_id) {
  if (auto local = cache_.GetLocal(ClientCacheKey(tenant_id, client_id))) {
    v1::Client client;
    if (client.ParseFromString(*local)) {
      return client;
    }
  }
  return std::nullopt;
}

std::optional<v1::Client> CachedClientRepository::Get(const std::string& tenant_id,
                                                      const std::string& client_id) {
  const std::string key = ClientCacheKey(tenant_id, client_id);
  CacheMiss miss;
  if (auto cached = cache_.Get(key, &miss)) {
    v1::Client client;
    if (client.ParseFromString(*cached)) {
      return client;
    }
  }
  auto client = inner_.Get(tenant_id, client_id);
  if (client) {
    cache_.Put(key, client->SerializeAsString(), ttl_seconds_, miss);
  }
  return client;
}

v1::Client CachedClientRepository::Update(const std::string& tenant_id,
                                          const v1::UpdateClientRequest& request, UnixMicros now,
                                          const std::string& key_id) {
  v1::Client updated = inner_.Update(tenant_id, request, now, key_id);
  cache_.Invalidate({ClientCacheKey(tenant_id, request.client().client_id())});
  return updated;
}

v1::Client CachedClientRepository::Erase(const std::string& tenant_id, const std::string& client_id,
                                         UnixMicros now, const std::string& key_id) {
  v1::Client tombstone = inner_.Erase(tenant_id, client_id, now, key_id);
  cache_.Invalidate({ClientCacheKey(tenant_id, client_id)});
  return tombstone;
}

MergeOutcome CachedClientRepository::Merge(const std::string& tenant_id,
                                           const std::string& survivor_id,
                                           const std::string& duplicate_id, UnixMicros now,
                                           const std::string& key_id) {
  MergeOutcome outcome = inner_.Merge(tenant_id, survivor_id, duplicate_id, now, key_id);
  // Both changed: the survivor's consents and tags, the duplicate into a tombstone.
  cache_.Invalidate(
      {ClientCacheKey(tenant_id, survivor_id), ClientCacheKey(tenant_id, duplicate_id)});
  return outcome;
}

}  // namespace clienttier::profile
