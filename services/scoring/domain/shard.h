#pragma once

#include <string>

namespace clienttier::scoring {

// Which shard of `shard_count` a client belongs to: a stable hash of its id (FNV-1a), the
// same in every pod and every run.
int ShardOf(const std::string& client_id, int shard_count);

}  // namespace clienttier::scoring
