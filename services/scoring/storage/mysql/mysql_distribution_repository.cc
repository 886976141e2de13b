#include "services/scoring/storage/mysql/mysql_distribution_repository.h"

#include "common/db/sql_helpers.h"
#include "common/db/transaction.h"

namespace clienttier::scoring {

TierDistributionTally MySqlDistributionRepository::Tally(Transaction& transaction,
                                                         const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  TierDistributionTally tally;
  // One pass over the narrow columns (no payloads): a million rows stream in a few seconds.
  auto select =
      Prepare(connection,
              "SELECT tier, lifecycle, quadrant, rfm_segment, value_12m_minor FROM scores "
              "WHERE tenant_id = ?");
  select->setString(1, tenant_id);
  for (auto rows = Query(*select); rows->next();) {
    tally.Add(rows->getInt(1), rows->getInt(2), rows->getInt(3), rows->getString(4),
              rows->getInt64(5));
  }
  return tally;
}

}  // namespace clienttier::scoring
