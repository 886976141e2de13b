#pragma once

#include <string>

namespace clienttier::scoring {

// Which shard of `shard_count` a client belongs to: FNV-1a 64 of its id (common/hash, the
// standard offset basis) modulo shard_count, the same in every pod and every run. Nothing stores
// a shard: each BatchRescore computes it afresh, so the hash could be corrected (it used a wrong
// offset basis before) without a migration; only which clients fall in which shard changed.
int ShardOf(const std::string& client_id, int shard_count);

}  // namespace clienttier::scoring
