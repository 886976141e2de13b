#pragma once

#include <set>
#include <string>

#include "services/referral/storage/invitation_keys.h"

namespace clienttier::referral::testing {

class FakeInvitationKeys final : public InvitationKeys {
 public:
  bool Record(Transaction& /*transaction*/, const std::string& key,
              const std::string& /*tenant_id*/, UnixMicros /*now*/) override {
    return keys.insert(key).second;
  }

  std::set<std::string> keys;
};

}  // namespace clienttier::referral::testing
