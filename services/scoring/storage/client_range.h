#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace clienttier::scoring {

// Clients a batch reads from every per-client table at once: those with after_client_id <
// client id <= last_client_id (to the tenant's end when nullopt) and, when `buckets` is not
// empty, whose shard bucket (domain/shard.h) is one of them. Without buckets it is a range of
// the tables' primary keys (tenant_id, client_id, ...): a whole-tenant run. With them it is one
// range per bucket of their shard indexes (tenant_id, shard_bucket, client_id, ...; migrations 005
// and 010): a shard reads its own rows the way a whole run reads its ranges, in index order,
// instead of diving into the index once per client id.
struct ClientRange {
  // At most this many buckets in a range (and in one statement over a shard index): up to
  // eq_range_index_dive_limit (200 by default) MariaDB estimates each bucket's range in the
  // index; past it, from index statistics, and with 256 buckets it took the tenant's whole index
  // (ref on tenant_id: 1M rows read for a shard's 250k clients).
  static constexpr size_t kMaxBuckets = 100;

  std::vector<int> buckets;  // ascending
  std::string after_client_id;
  std::optional<std::string> last_client_id;
};

}  // namespace clienttier::scoring
