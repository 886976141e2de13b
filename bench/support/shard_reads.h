#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/db/mysql_pool.h"

namespace clienttier::bench {

// Rows the server's handlers have read since it started (the global Handler_read_* counters
// added up; MariaDB 10.11 has no Innodb_rows_read): every connection a BatchRescore run opens
// is counted, which a session counter would miss.
int64_t HandlerRowsRead(MySqlPool& pool);

// One BatchRescore call through the RPC, as the Kubernetes Job's shards make it.
struct ShardRun {
  int shard_index = 0;
  int shard_count = 0;  // 0: the whole tenant
  bool ok = false;
  std::string error;
  int64_t scored = 0;
  int64_t total = 0;
  int64_t rows_read = 0;  // HandlerRowsRead during the call
  double seconds = 0;
};

using ContextFactory = std::function<std::unique_ptr<grpc::ClientContext>()>;

// Runs BatchRescore for the whole tenant once, then for shard 0..n-1 of n, each measured on
// its own (issue 16 part 5: a shard reads about 1/n of what a whole-tenant run reads). The
// shards reuse the population statistics the whole-tenant run stored, as the Job's do.
std::vector<ShardRun> RunWholeThenShards(scoring::v1::ScoringService::Stub& stub,
                                         const ContextFactory& context, MySqlPool& pool,
                                         int shard_count);

// The results table's lines for those runs: each shard's share of the whole run's reads beside
// 1/n, and whether the shards together scored every client exactly once.
void PrintShardRuns(const std::vector<ShardRun>& runs);

}  // namespace clienttier::bench
