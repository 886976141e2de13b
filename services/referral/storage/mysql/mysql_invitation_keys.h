#pragma once

#include "services/referral/storage/invitation_keys.h"

namespace clienttier::referral {

class MySqlInvitationKeys final : public InvitationKeys {
 public:
  bool Record(Transaction& transaction, const std::string& key, const std::string& tenant_id,
              UnixMicros now) override;
};

}  // namespace clienttier::referral
