#pragma once

#include "services/referral/storage/client_merge_repository.h"

namespace clienttier::referral {

class MySqlClientMergeRepository final : public ClientMergeRepository {
 public:
  MergeReport MergeClients(Transaction& transaction, const std::string& tenant_id,
                           const std::string& survivor_id, const std::string& duplicate_id,
                           UnixMicros now) override;
};

}  // namespace clienttier::referral
