#include "bench/support/shard_reads.h"

#include <chrono>
#include <cstdio>

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace clienttier::bench {

int64_t HandlerRowsRead(MySqlPool& pool) {
  int64_t rows = 0;
  pool.WithConnection([&](sql::Connection& connection) {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    std::unique_ptr<sql::ResultSet> row(
        statement->executeQuery("SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS "
                                "WHERE VARIABLE_NAME LIKE 'HANDLER\\_READ\\_%'"));
    if (row->next()) {
      rows = row->getInt64(1);
    }
  });
  return rows;
}

namespace {

ShardRun RunOne(scoring::v1::ScoringService::Stub& stub, const ContextFactory& context,
                MySqlPool& pool, int shard_index, int shard_count) {
  ShardRun run;
  run.shard_index = shard_index;
  run.shard_count = shard_count;
  scoring::v1::BatchRescoreRequest request;
  request.set_shard_index(shard_index);
  request.set_shard_count(shard_count);
  const int64_t rows_before = HandlerRowsRead(pool);
  const auto started = std::chrono::steady_clock::now();
  auto call = context();
  auto stream = stub.BatchRescore(call.get(), request);
  scoring::v1::BatchRescoreProgress progress;
  scoring::v1::BatchRescoreProgress last;
  while (stream->Read(&progress)) {
    last = progress;
  }
  const grpc::Status status = stream->Finish();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.rows_read = HandlerRowsRead(pool) - rows_before;
  run.ok = status.ok() && last.done();
  run.error = status.error_message();
  run.scored = last.scored();
  run.total = last.total();
  return run;
}

}  // namespace

std::vector<ShardRun> RunWholeThenShards(scoring::v1::ScoringService::Stub& stub,
                                         const ContextFactory& context, MySqlPool& pool,
                                         int shard_count) {
  std::vector<ShardRun> runs{RunOne(stub, context, pool, 0, 0)};
  for (int k = 0; k < shard_count && runs.back().ok; ++k) {
    runs.push_back(RunOne(stub, context, pool, k, shard_count));
  }
  return runs;
}

void PrintShardRuns(const std::vector<ShardRun>& runs) {
  if (runs.empty() || !runs.front().ok) {
    std::printf("shard runs failed: %s\n", runs.empty() ? "none ran" : runs.front().error.c_str());
    return;
  }
  const ShardRun& whole = runs.front();
  int64_t scored_by_shards = 0;
  bool every_shard_ran = runs.size() > 1;
  for (size_t i = 1; i < runs.size(); ++i) {
    const ShardRun& shard = runs[i];
    if (!shard.ok) {
      std::printf("shard %d of %d failed: %s\n", shard.shard_index, shard.shard_count,
                  shard.error.c_str());
      every_shard_ran = false;
      continue;
    }
    scored_by_shards += shard.scored;
    const double share = whole.rows_read > 0 ? static_cast<double>(shard.rows_read) /
                                                   static_cast<double>(whole.rows_read)
                                             : 0;
    const double expected = 1.0 / shard.shard_count;
    // "About 1/n": the FNV-1a buckets of real ids are within a few per cent of even.
    const bool met = share >= 0.5 * expected && share <= 1.5 * expected;
    std::printf(
        "| shard_%d_of_%d_rows_read (Handler_read_* rows of its BatchRescore RPC / the whole "
        "tenant's %lld; %lld clients scored in %.2f s) | %.1f %% | about 1/%d = %.1f %% | - | - | "
        "%s |\n",
        shard.shard_index, shard.shard_count, static_cast<long long>(whole.rows_read),
        static_cast<long long>(shard.scored), shard.seconds, 100.0 * share, shard.shard_count,
        100.0 * expected, met ? "yes" : "no");
  }
  if (every_shard_ran) {
    const bool once = scored_by_shards == whole.scored;
    std::printf(
        "| shards_scored_sum (the %zu shards' scored clients added up, vs the whole run's; which "
        "client each shard scores is checked by ShardReadsTest) | "
        "%lld of %lld | equal | - | - | %s |\n",
        runs.size() - 1, static_cast<long long>(scored_by_shards),
        static_cast<long long>(whole.scored), once ? "yes" : "no");
  }
}

}  // namespace clienttier::bench
