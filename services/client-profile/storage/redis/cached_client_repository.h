#pragma once

#include "common/redis/redis_cache.h"
#include "services/client-profile/storage/client_repository.h"

namespace clienttier::profile {

// Cache-aside decorator: Get reads Redis first and fills it on a miss; every write goes to the
// inner repository and then invalidates the key (the outbox relay invalidates it once more when
// the change's event is published, covering one lost while Redis was down). RedisCache keeps a
// fill that raced the write from sticking.
class CachedClientRepository final : public ClientRepository {
 public:
  CachedClientRepository(ClientRepository& inner, RedisCache& cache, int ttl_seconds)
      : inner_(inner), cache_(cache), ttl_seconds_(ttl_seconds) {}

  v1::Client Create(const std::string& tenant_id, const v1::Client& client,
                    const std::string& key_id) override;
  std::optional<v1::Client> Get(const std::string& tenant_id,
                                const std::string& client_id) override;
  std::optional<v1::Client> GetWithoutIo(const std::string& tenant_id,
                                         const std::string& client_id) override;
  v1::Client Update(const std::string& tenant_id, const v1::UpdateClientRequest& request,
                    UnixMicros now, const std::string& key_id) override;
  std::vector<v1::Client> List(const std::string& tenant_id, const ClientFilter& filter,
                               const std::string& after_client_id, int limit) override {
    return inner_.List(tenant_id, filter, after_client_id, limit);
  }
  v1::Client Erase(const std::string& tenant_id, const std::string& client_id, UnixMicros now,
                   const std::string& key_id) override;
  MergeOutcome Merge(const std::string& tenant_id, const std::string& survivor_id,
                     const std::string& duplicate_id, UnixMicros now,
                     const std::string& key_id) override;
  ImportCounts Import(const std::string& tenant_id, const std::vector<v1::Client>& clients,
                      const std::string& key_id) override {
    return inner_.Import(tenant_id, clients, key_id);  // only creates: nothing cached is stale
  }
  // Not cached: read rarely, by auditors.
  std::vector<ConsentHistoryRow> ListConsentHistory(const std::string& tenant_id,
                                                    const std::string& client_id, int64_t after_seq,
                                                    int limit) override {
    return inner_.ListConsentHistory(tenant_id, client_id, after_seq, limit);
  }

 private:
  ClientRepository& inner_;
  RedisCache& cache_;
  int ttl_seconds_;
};

}  // namespace clienttier::profile
