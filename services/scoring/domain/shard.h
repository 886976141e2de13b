#pragma once

#include <vector>

namespace clienttier::scoring {

// Clients are spread over kShardBuckets buckets by a key MariaDB stores with each client's rows:
// shard_bucket = CRC32(client_id) % 1024, a STORED generated column of client_aggregates
// (migration 005) and of the other per-client tables a shard reads (migration 010), so existing
// rows were filled by the migrations and no writer fills it. Shard k of n owns the buckets b with
// b % n == k and reads them through each table's index (tenant_id, shard_bucket, client_id, ...):
// its own rows only, and this code never hashes a client id. 1,024 is also the largest shard count BatchRescore accepts, so every shard owns
// at least one bucket; shards differ by at most one bucket (under 0.1% of the tenant).
inline constexpr int kShardBuckets = 1024;

// The shard of `shard_count` that owns `bucket`: bucket % shard_count (0 when shard_count <= 1).
int ShardOfBucket(int bucket, int shard_count);

// The buckets shard `shard_index` of `shard_count` owns, ascending; every bucket when
// shard_count <= 1.
std::vector<int> BucketsOfShard(int shard_index, int shard_count);

}  // namespace clienttier::scoring
