#include "services/referral/storage/mysql/mysql_invitation_keys.h"

#include "common/db/processed_events.h"

namespace clienttier::referral {

bool MySqlInvitationKeys::Record(Transaction& transaction, const std::string& key,
                                 const std::string& tenant_id, UnixMicros now) {
  return MarkEventProcessed(ConnectionOf(transaction), key, tenant_id, now);
}

}  // namespace clienttier::referral
