// BatchJobs::BatchRescore over the in-memory fakes: what a batch writes, for whom, and what it
// reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/outbox/streams.h"
#include "services/scoring/app/chunk_order.h"
#include "tests/support/scoring/fake_scoring_world.h"

namespace clienttier::scoring {
namespace {

using testing::FakeScoringWorld;

constexpr char kTenant[] = "t1";

class BatchRescoreTest : public ::testing::Test {
 protected:
  // `count` clients c000.. of varied value: every tenth is a frequent big spender.
  void AddClients(int count, const std::string& tenant_id = kTenant) {
    for (int i = 0; i < count; ++i) {
      char id[16];
      std::snprintf(id, sizeof(id), "c%03d", i);
      const bool big = i % 10 == 0;
      world_.aggregates.AddBuyer(tenant_id, id, big ? 12 : 1 + i % 3, big ? 500000 : 5000 + 100 * i,
                                 FakeScoringWorld::kToday - (big ? 2 : 30 + i % 200));
      ids_.push_back(id);
    }
  }

  // Runs a batch and keeps every progress report.
  std::vector<v1::BatchRescoreProgress> Run(int shard_index = 0, int shard_count = 0,
                                            bool refresh_population = false,
                                            int stop_after_reports = -1) {
    v1::BatchRescoreRequest request;
    request.set_shard_index(shard_index);
    request.set_shard_count(shard_count);
    request.set_refresh_population(refresh_population);
    std::vector<v1::BatchRescoreProgress> reports;
    world_.jobs.BatchRescore(kTenant, request, [&](const v1::BatchRescoreProgress& report) {
      reports.push_back(report);
      return stop_after_reports < 0 || static_cast<int>(reports.size()) < stop_after_reports;
    });
    return reports;
  }

  std::set<std::string> ScoredClients(const std::string& tenant_id = kTenant) const {
    std::set<std::string> scored;
    for (const auto& [key, count] : world_.scores.upserts_by_client) {
      if (key.first == tenant_id) {
        scored.insert(key.second);
      }
    }
    return scored;
  }

  FakeScoringWorld world_;
  std::vector<std::string> ids_;
};

TEST_F(BatchRescoreTest, ScoresEveryClientOfTheTenantExactlyOnce) {
  AddClients(30);
  AddClients(5, "other-tenant");
  // Cached scores from before the batch: the tenant's are dropped, the other tenant's kept.
  world_.cache.shared[ScoreCacheKey(kTenant, "c001")] = v1::Score();
  world_.cache.shared[ScoreCacheKey("other-tenant", "c001")] = v1::Score();
  const auto reports = Run();

  ASSERT_EQ(world_.scores.upserts_by_client.size(), 30u);  // the other tenant is untouched
  for (const auto& [key, writes] : world_.scores.upserts_by_client) {
    EXPECT_EQ(key.first, kTenant);
    EXPECT_EQ(writes, 1) << key.second;
    EXPECT_EQ(world_.scores.scores.at(key).score.client_id(), key.second);
  }
  EXPECT_EQ(ScoredClients(), std::set<std::string>(ids_.begin(), ids_.end()));
  // Unsharded: the population is computed from these clients and stored as version 1.
  ASSERT_EQ(world_.versions.populations[kTenant].size(), 1u);
  EXPECT_EQ(world_.scores.scores.begin()->second.score.population_version(), 1);
  // The tenant's cached scores are dropped at once, not client by client.
  EXPECT_TRUE(world_.cache.invalidated.empty());
  EXPECT_GE(world_.cache.tenants_invalidated[kTenant], 1);
  EXPECT_EQ(world_.cache.shared.count(ScoreCacheKey(kTenant, "c001")), 0u);
  EXPECT_EQ(world_.cache.shared.count(ScoreCacheKey("other-tenant", "c001")), 1u);
  EXPECT_EQ(world_.cache.tenants_invalidated.count("other-tenant"), 0u);
}

TEST_F(BatchRescoreTest, AShardScoresOnlyItsClientsAndTheShardsTogetherScoreAll) {
  AddClients(40);
  constexpr int kShards = 3;
  std::set<std::string> all;
  for (int shard = 0; shard < kShards; ++shard) {
    world_.scores.upserts_by_client.clear();
    const auto reports = Run(shard, kShards, /*refresh_population=*/true);
    const std::set<std::string> scored = ScoredClients();
    size_t expected = 0;
    for (const std::string& id : ids_) {
      if (testing::ShardOfClient(id, kShards) == shard) {
        ++expected;
        EXPECT_EQ(scored.count(id), 1u) << id << " belongs to shard " << shard;
      } else {
        EXPECT_EQ(scored.count(id), 0u) << id << " does not belong to shard " << shard;
      }
    }
    EXPECT_EQ(scored.size(), expected);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back().total(), static_cast<int64_t>(expected));
    all.insert(scored.begin(), scored.end());
  }
  EXPECT_EQ(all, std::set<std::string>(ids_.begin(), ids_.end()));
}

TEST_F(BatchRescoreTest, AShardListsOnlyItsOwnClientsAndReusesTheStoredPopulation) {
  AddClients(300);
  Run();  // the unsharded run stores the population the shards share
  constexpr int kShards = 4;
  size_t own = 0;
  for (const std::string& id : ids_) {
    own += testing::ShardOfClient(id, kShards) == 2 ? 1 : 0;
  }
  world_.aggregates.facts_listed = 0;
  const auto reports = Run(2, kShards);

  // Its own clients were read, no one else's (no whole-tenant read for the population).
  EXPECT_EQ(world_.aggregates.facts_listed, static_cast<int64_t>(own));
  ASSERT_EQ(world_.versions.populations[kTenant].size(), 1u);
  EXPECT_EQ(reports.back().population_version(), 1);
  EXPECT_EQ(reports.back().total(), static_cast<int64_t>(own));
  EXPECT_EQ(reports.back().scored(), static_cast<int64_t>(own));
}

TEST_F(BatchRescoreTest, AShardWithoutPopulationForTheConfigIsRefused) {
  AddClients(5);
  EXPECT_THROW(Run(0, 2, /*refresh_population=*/false), DomainError);
  EXPECT_TRUE(world_.scores.upserts_by_client.empty());
}

TEST_F(BatchRescoreTest, TierMovesAreRecordedAndEmittedButFirstScoresAreNot) {
  AddClients(20);
  // Half the clients were scored before, all in T3; the others are scored for the first time.
  for (size_t i = 0; i < ids_.size(); i += 2) {
    world_.scores.SeedScore(kTenant, ids_[i], Tier::kT3);
  }
  const auto reports = Run();

  int moved = 0;
  for (size_t i = 0; i < ids_.size(); ++i) {
    const v1::Score& score = world_.scores.scores.at({kTenant, ids_[i]}).score;
    if (i % 2 == 0 && score.tier() != v1::TIER_T3) {
      ++moved;
    }
  }
  ASSERT_GT(moved, 0) << "the big spenders among the seeded clients should be promoted";
  ASSERT_EQ(static_cast<int>(world_.scores.history.size()), moved);
  std::set<std::string> seeded;
  for (size_t i = 0; i < ids_.size(); i += 2) {
    seeded.insert(ids_[i]);
  }
  for (const auto& row : world_.scores.history) {
    EXPECT_EQ(seeded.count(row.change.client_id()), 1u) << "a first score is not a change";
    EXPECT_EQ(row.change.from_tier(), v1::TIER_T3);
    EXPECT_EQ(row.change.to_tier(),
              world_.scores.scores.at({kTenant, row.change.client_id()}).score.tier());
    EXPECT_EQ(FromProtoTimestamp(row.change.changed_at()), FakeScoringWorld::kNow);
  }
  EXPECT_EQ(world_.outbox.CountOfType("tier_changed"), moved);
  for (const OutboxEvent& event : world_.outbox.events) {
    EXPECT_EQ(event.stream, kScoringEventStream);
    EXPECT_EQ(event.tenant_id, kTenant);
  }
  EXPECT_EQ(reports.back().tier_changes(), moved);
}

TEST_F(BatchRescoreTest, AWholeTenantRunReadsItInRangesWithEachClientsOwnPreviousTierAndOverride) {
  AddClients(12000);  // read in three ranges of the key order: 5,000 + 5,000 + 2,000 clients
  std::vector<std::string> ordered = ids_;
  std::sort(ordered.begin(), ordered.end());
  // Previous T3 scores on both sides of each range's end, and one in the middle of each range.
  const std::vector<size_t> seeded_at = {0, 2500, 4999, 5000, 7500, 9999, 10000, 11000, 11999};
  std::set<std::string> seeded;
  for (const size_t i : seeded_at) {
    world_.scores.SeedScore(kTenant, ordered[i], Tier::kT3);
    seeded.insert(ordered[i]);
  }
  // A fixed T1 on a client of the last range, and a score of a client the aggregates no longer
  // list (it must not be taken for another client's previous score).
  const std::string fixed = ordered[10001];
  v1::TierOverride tier_override;
  tier_override.set_mode(v1::TierOverride::MODE_FIXED);
  tier_override.set_tier(v1::TIER_T1);
  tier_override.set_reason("board member");
  tier_override.set_author("key-1");
  *tier_override.mutable_expires_at() =
      ToProtoTimestamp(FakeScoringWorld::kNow + 30 * kMicrosPerDay);
  Transaction transaction;
  world_.scores.PutOverride(transaction, kTenant, fixed, tier_override, FakeScoringWorld::kNow);
  world_.scores.SeedScore(kTenant, ordered[5000] + "-gone", Tier::kT1);

  const auto reports = Run();

  EXPECT_EQ(world_.aggregates.load_range_calls, 3);
  ASSERT_EQ(world_.scores.upserts_by_client.size(), 12000u);
  for (const std::string& id : ids_) {
    EXPECT_EQ(world_.scores.upserts_by_client.at({kTenant, id}), 1) << id;
  }
  EXPECT_EQ(world_.scores.upserts_by_client.count({kTenant, ordered[5000] + "-gone"}), 0u);
  // A tier change is recorded for exactly the seeded clients whose tier moved, from T3.
  int moved = 0;
  for (const std::string& id : seeded) {
    moved += world_.scores.scores.at({kTenant, id}).score.tier() != v1::TIER_T3 ? 1 : 0;
  }
  ASSERT_EQ(static_cast<int>(world_.scores.history.size()), moved);
  for (const auto& row : world_.scores.history) {
    EXPECT_EQ(seeded.count(row.change.client_id()), 1u) << row.change.client_id();
    EXPECT_EQ(row.change.from_tier(), v1::TIER_T3);
  }
  // The override applies to its own client only.
  const v1::Score& overridden = world_.scores.scores.at({kTenant, fixed}).score;
  EXPECT_EQ(overridden.tier(), v1::TIER_T1);
  EXPECT_TRUE(overridden.has_tier_override());
  int with_override = 0;
  for (const std::string& id : ids_) {
    with_override += world_.scores.scores.at({kTenant, id}).score.has_tier_override() ? 1 : 0;
  }
  EXPECT_EQ(with_override, 1);
  EXPECT_TRUE(reports.back().done());
  EXPECT_EQ(reports.back().total(), 12000);
  EXPECT_EQ(reports.back().scored(), 12000);
}

TEST_F(BatchRescoreTest, ReportsProgressAfterEveryChunkAndOnceDone) {
  AddClients(4500);  // chunks of 2,000: 2,000 + 2,000 + 500
  const auto reports = Run();

  // After the second and third chunk (not the first), then the final report.
  ASSERT_EQ(reports.size(), 3u);
  for (const auto& report : reports) {
    EXPECT_EQ(report.total(), 4500);
    EXPECT_EQ(report.population_version(), 1);
  }
  EXPECT_FALSE(reports[0].done());
  EXPECT_FALSE(reports[1].done());
  // With one write in flight, a chunk's report counts the chunks written before it.
  EXPECT_EQ(reports[0].scored(), 2000);
  EXPECT_EQ(reports[1].scored(), 4000);
  EXPECT_TRUE(reports[2].done());
  EXPECT_EQ(reports[2].scored(), 4500);
  EXPECT_EQ(world_.scores.upserts_by_client.size(), 4500u);
}

TEST_F(BatchRescoreTest, ACallerThatGoesAwayStopsTheJobBetweenChunks) {
  AddClients(4500);
  const auto reports = Run(0, 0, false, /*stop_after_reports=*/1);

  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].done());
  // The chunk being written when the caller left is finished; the third is never computed.
  EXPECT_EQ(world_.scores.upserts_by_client.size(), 4000u);
}

TEST_F(BatchRescoreTest, TakesOverTheQueuedClientsItScoresButNotOnesQueuedAgainMeanwhile) {
  AddClients(4500);  // three chunks, written in key order (one write in flight)
  AddClients(3, "other-tenant");
  testing::FakeRescoreQueue& queue = world_.rescore_queue;
  Transaction transaction;
  // "nobody" is queued but has no aggregates: the run does not score it, so it stays.
  queue.Add(transaction, kTenant, {"c001", "c2500", "c4100", "c4200", "nobody"}, 0);
  queue.Add(transaction, "other-tenant", {"c001"}, 0);

  int reports = 0;
  world_.jobs.BatchRescore(kTenant, v1::BatchRescoreRequest(),
                           [&](const v1::BatchRescoreProgress&) {
                             if (++reports == 1) {
                               // After the tenant was read, before the last chunk is written: an
                               // event queues c4100 again, with changes the read may have missed.
                               queue.Add(transaction, kTenant, {"c4100"}, 0);
                             }
                             return true;
                           });

  EXPECT_EQ(queue.queued, (std::set<testing::FakeRescoreQueue::Entry>{
                              {kTenant, "c4100"}, {kTenant, "nobody"}, {"other-tenant", "c001"}}));
  EXPECT_EQ(ScoredClients().count("c4100"), 1u);  // scored, and queued for the next rescore
  EXPECT_EQ(ScoredClients().size(), 4500u);
}

TEST_F(BatchRescoreTest, StoresFreshReferralCountsBeforeScoring) {
  AddClients(3);
  world_.propagation.counts[ids_[1]] = ReferralCounts{5, 4};
  // Stored before, and no longer a referrer (its referees merged away): referral's list for
  // the range leaves it out, which says it has none.
  world_.aggregates.clients.at({kTenant, ids_[2]}).counters.referrals_sent = 2;
  world_.aggregates.clients.at({kTenant, ids_[2]}).counters.referrals_converted = 1;
  Run();

  // One question for the whole tenant's range, not a list of its clients.
  EXPECT_EQ(world_.propagation.fetches, 1);
  EXPECT_TRUE(world_.propagation.asked.empty());
  ASSERT_EQ(world_.propagation.ranges.size(), 1u);
  EXPECT_EQ(world_.propagation.ranges[0].first, "");
  EXPECT_EQ(world_.aggregates.referral_rows_stored, 2);
  EXPECT_EQ(world_.aggregates.clients.at({kTenant, ids_[1]}).counters.referrals_converted, 4);
  EXPECT_EQ(world_.aggregates.clients.at({kTenant, ids_[2]}).counters.referrals_sent, 0);
  EXPECT_EQ(world_.aggregates.clients.at({kTenant, ids_[2]}).counters.referrals_converted, 0);
  // Four converted referrals make a spreader.
  EXPECT_EQ(world_.scores.scores.at({kTenant, ids_[1]}).score.propagation_tier(),
            v1::PROPAGATION_TIER_SPREADER);
}

// A referral that cannot list a range (older than ListPropagation, during a rollout): the
// range's clients are asked for by id, and their fresh counts are stored all the same.
TEST_F(BatchRescoreTest, AsksForTheRangesClientsByIdWhenReferralCannotListARange) {
  AddClients(3);
  world_.propagation.lists_ranges = false;
  world_.propagation.counts[ids_[1]] = ReferralCounts{5, 4};
  Run();

  EXPECT_EQ(world_.propagation.ranges.size(), 1u);
  std::vector<std::string> asked = world_.propagation.asked;
  std::sort(asked.begin(), asked.end());
  std::vector<std::string> all = ids_;
  std::sort(all.begin(), all.end());
  EXPECT_EQ(asked, all);
  EXPECT_EQ(world_.aggregates.clients.at({kTenant, ids_[1]}).counters.referrals_converted, 4);
}

TEST_F(BatchRescoreTest, AShardAsksReferralOnlyForTheClientsItScores) {
  AddClients(60);
  // The shard refreshes the population from the whole tenant, which needs no referral counts.
  Run(1, 3, /*refresh_population=*/true);
  std::vector<std::string> shard;
  for (const std::string& id : ids_) {
    if (testing::ShardOfClient(id, 3) == 1) {
      shard.push_back(id);
    }
  }
  std::vector<std::string> asked = world_.propagation.asked;
  std::sort(asked.begin(), asked.end());
  EXPECT_EQ(asked, shard);  // each once
  EXPECT_EQ(ScoredClients(), std::set<std::string>(shard.begin(), shard.end()));
}

}  // namespace
}  // namespace clienttier::scoring

namespace clienttier::scoring {
namespace {

// Clients of `chunks` as positions in key order over pages of `page_sizes`.
std::vector<size_t> KeyPositions(const std::vector<size_t>& page_sizes,
                                 const std::vector<ChunkRef>& chunks) {
  std::vector<size_t> page_start(page_sizes.size(), 0);
  for (size_t page = 1; page < page_sizes.size(); ++page) {
    page_start[page] = page_start[page - 1] + page_sizes[page - 1];
  }
  std::vector<size_t> positions;
  for (const ChunkRef& chunk : chunks) {
    for (size_t i = chunk.begin; i < chunk.end; ++i) {
      positions.push_back(page_start[chunk.page] + i);
    }
  }
  return positions;
}

TEST(InterleavedChunksTest, OneRegionIsKeyOrderInChunksThatNeverCrossAPage) {
  const std::vector<size_t> pages = {5000, 5000, 2000};
  const auto chunks = InterleavedChunks(pages, 2000, 1);
  ASSERT_EQ(chunks.size(), 7u);  // 2,000 + 2,000 + 1,000 per full page, then 2,000
  EXPECT_EQ(chunks[2].page, 0u);
  EXPECT_EQ(chunks[2].begin, 4000u);
  EXPECT_EQ(chunks[2].end, 5000u);
  const auto positions = KeyPositions(pages, chunks);
  ASSERT_EQ(positions.size(), 12000u);
  for (size_t i = 0; i < positions.size(); ++i) {
    EXPECT_EQ(positions[i], i);
  }
}

TEST(InterleavedChunksTest, WritesInFlightAreInSeparatePartsOfTheKeyRangeAndCoverEachClientOnce) {
  const std::vector<size_t> pages(200, 5000);  // a million clients
  const auto chunks = InterleavedChunks(pages, 2000, 3);
  auto positions = KeyPositions(pages, chunks);
  std::sort(positions.begin(), positions.end());
  ASSERT_EQ(positions.size(), 1000000u);
  for (size_t i = 0; i < positions.size(); ++i) {
    ASSERT_EQ(positions[i], i);
  }
  // Any three chunks in a row (the writes in flight together) are in different thirds of the
  // key range: their first clients at least a quarter of the tenant apart.
  const auto first_client = [&](const ChunkRef& chunk) { return chunk.page * 5000 + chunk.begin; };
  for (size_t i = 0; i + 2 < chunks.size(); ++i) {
    for (size_t a = i; a < i + 3; ++a) {
      for (size_t b = a + 1; b < i + 3; ++b) {
        const size_t x = first_client(chunks[a]);
        const size_t y = first_client(chunks[b]);
        EXPECT_GE(x > y ? x - y : y - x, 250000u) << "chunks " << a << " and " << b;
      }
    }
  }
}

}  // namespace
}  // namespace clienttier::scoring
