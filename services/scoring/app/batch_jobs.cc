#include "services/scoring/app/batch_jobs.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <map>
#include <thread>

#include "common/errors/domain_error.h"
#include "services/scoring/app/snapshot_writer.h"
#include "services/scoring/domain/clv_fitting.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/domain/shard.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

namespace {

// Clients per transaction: bounds lock time and lets progress flow on a large tenant.
constexpr size_t kChunkSize = 2000;

// Runs body(begin, end) over [0, n) split into `threads` slices, one on the calling thread.
template <typename Body>
void ParallelFor(size_t n, int threads, const Body& body) {
  const size_t slices = std::max<size_t>(1, std::min(n, static_cast<size_t>(threads)));
  if (slices <= 1) {
    body(size_t{0}, n);
    return;
  }
  const size_t step = (n + slices - 1) / slices;
  std::vector<std::future<void>> others;
  for (size_t begin = step; begin < n; begin += step) {
    others.push_back(std::async(
        std::launch::async, [&body, begin, n, step] { body(begin, std::min(n, begin + step)); }));
  }
  body(size_t{0}, std::min(n, step));
  for (auto& other : others) {
    other.get();
  }
}

}  // namespace

v1::ClvModel BatchJobs::FitClvModel(const std::string& tenant_id, std::optional<Day> as_of) {
  const UnixMicros now = clock_.Now();
  const Day day = as_of.value_or(ModelDayOf(now));
  v1::ClvModel model;
  transactions_.Read([&](Transaction& transaction) {
    const TenantFit fit = calculator_.FitAsOf(transaction, tenant_id, day);
    model = ClvModelToProto(fit.fits, fit.context.currency, day, now);
  });
  if (as_of) {
    return model;  // a past day's fit: returned, never the tenant's current model
  }
  transactions_.InTransaction([&](Transaction& transaction) {
    model = versions_.PutModel(transaction, tenant_id, model, now);
  });
  return model;
}

void BatchJobs::BatchRescoreAsOf(
    const std::string& tenant_id, Day as_of,
    const std::function<bool(const v1::BatchRescoreProgress&)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const UnixMicros now = clock_.Now();
  AsOfTenant tenant;
  transactions_.Read([&](Transaction& transaction) {
    tenant = calculator_.LoadAsOf(transaction, tenant_id, as_of, now);
  });
  const UnixMicros day_start = as_of * kMicrosPerDay;
  v1::BatchRescoreProgress report;
  report.set_total(static_cast<int64_t>(tenant.facts.size()));
  *report.mutable_as_of() = ToProtoTimestamp(day_start);
  for (size_t begin = 0; begin < tenant.facts.size(); begin += kChunkSize) {
    const size_t end = std::min(tenant.facts.size(), begin + kChunkSize);
    std::vector<ComputedScore> computed(end - begin);
    // A first score: no tier history before the day is replayed, no override applies.
    ParallelFor(computed.size(), threads_, [&](size_t first, size_t last) {
      for (size_t i = first; i < last; ++i) {
        computed[i] = calculator_.Compute(tenant.context, tenant.facts[begin + i],
                                          tenant.estimates[begin + i], TierState{}, std::nullopt,
                                          day_start, ScoreDetail::kScoreOnly);
      }
    });
    report.clear_scores();
    for (ComputedScore& score : computed) {
      *report.add_scores() = std::move(score.proto);
    }
    report.set_scored(static_cast<int64_t>(end));
    report.set_elapsed_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (!progress(report)) {
      return;
    }
  }
  report.clear_scores();
  report.set_scored(static_cast<int64_t>(tenant.facts.size()));
  report.set_done(true);
  report.set_elapsed_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  progress(report);
}

void BatchJobs::BatchRescore(const std::string& tenant_id, const v1::BatchRescoreRequest& request,
                             const std::function<bool(const v1::BatchRescoreProgress&)>& progress,
                             std::optional<Day> past_day) {
  if (past_day) {
    BatchRescoreAsOf(tenant_id, *past_day, progress);
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  const UnixMicros now = clock_.Now();
  const Day as_of = ModelDayOf(now);
  const bool sharded = request.shard_count() > 1;
  const bool refresh = !sharded || request.refresh_population();

  TenantContext context;
  transactions_.Read([&](Transaction& transaction) {
    context = calculator_.LoadStoredContext(transaction, tenant_id);
  });
  // The whole tenant's facts and CLV estimates, read once when the population is computed
  // here; an unsharded run then scores from them (CLV once per client), a shard drops them
  // and reads its own clients only.
  std::vector<ClientFacts> tenant_facts;
  std::vector<ClvEstimate> tenant_estimates;
  if (refresh) {
    transactions_.Read([&](Transaction& transaction) {
      tenant_facts = aggregates_.LoadAllFacts(transaction, tenant_id, context.conversion, as_of);
    });
    tenant_estimates.resize(tenant_facts.size());
    ParallelFor(tenant_facts.size(), threads_, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        tenant_estimates[i] = calculator_.EstimateFor(context, tenant_facts[i], as_of);
      }
    });
    const PopulationStats stats =
        ComputePopulationStats(tenant_facts, tenant_estimates, context.config, as_of, 0);
    transactions_.InTransaction([&](Transaction& transaction) {
      context.population_proto = versions_.PutPopulation(
          transaction, tenant_id, PopulationToProto(stats, now, context.currency), now);
    });
    context.population = PopulationFromProto(*context.population_proto);
    if (sharded) {
      std::vector<ClientFacts>().swap(tenant_facts);
      std::vector<ClvEstimate>().swap(tenant_estimates);
    }
  } else if (!context.population_proto ||
             context.population_proto->config_version() != context.config.version) {
    throw FailedPrecondition(
        "shard_count: no population statistics for the active config yet; run an unsharded "
        "BatchRescore or set refresh_population");
  }

  v1::BatchRescoreProgress report;
  report.set_population_version(context.population_proto->version());
  const std::vector<int> buckets = BucketsOfShard(request.shard_index(), request.shard_count());
  if (sharded) {
    transactions_.Read([&](Transaction& transaction) {
      report.set_total(aggregates_.CountClients(transaction, tenant_id, buckets));
    });
  } else {
    report.set_total(static_cast<int64_t>(tenant_facts.size()));
  }
  SnapshotWriter writer(
      transactions_, writer_, tenant_id,
      [this, &tenant_id](const auto& client_ids) { cache_.Invalidate(tenant_id, client_ids); },
      options_.max_writes_in_flight);

  // Scores one chunk (its previous scores and overrides read by the chunk's ids), hands its
  // writes to the writer and reports; false when the caller went away.
  int64_t chunks = 0;
  const auto score_chunk = [&](std::vector<ClientFacts> chunk, const ClvEstimate* estimates,
                               std::map<std::string, PreviousScore> previous,
                               std::map<std::string, TierOverrideRecord> overrides) {
    // Outside any transaction: asks referral for the chunk's clients (stored counts when down).
    referral_.Refresh(tenant_id, &chunk);
    std::vector<ComputedScore> computed(chunk.size());
    ParallelFor(chunk.size(), threads_, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        const ClientFacts& client = chunk[i];
        const auto found = previous.find(client.client_id);
        const TierState before = found == previous.end() ? TierState{} : found->second.tier_state;
        const auto record_found = overrides.find(client.client_id);
        const std::optional<TierOverrideRecord> record =
            record_found == overrides.end()
                ? std::nullopt
                : std::optional<TierOverrideRecord>(record_found->second);
        computed[i] = estimates != nullptr
                          ? calculator_.Compute(context, client, estimates[i], before, record, now,
                                                ScoreDetail::kScoreOnly)
                          : calculator_.Compute(context, client, before, record, now,
                                                ScoreDetail::kScoreOnly);
      }
    });
    ScoreChanges changes;
    changes.scores.reserve(chunk.size());
    std::vector<std::string> client_ids;
    client_ids.reserve(chunk.size());
    for (size_t i = 0; i < chunk.size(); ++i) {
      const auto found = previous.find(chunk[i].client_id);
      CollectScoreChanges(tenant_id, computed[i],
                          found == previous.end() ? nullptr : &found->second, now, &changes);
      client_ids.push_back(std::move(chunk[i].client_id));
    }
    writer.Submit(std::move(changes), std::move(client_ids));  // waits for an earlier chunk
    report.set_scored(writer.clients_written());
    report.set_tier_changes(writer.tier_changes_written());
    report.set_elapsed_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return ++chunks == 1 || progress(report);
  };
  // Reads the chunk's previous scores and overrides by its client ids, then scores it.
  const auto read_and_score = [&](std::vector<ClientFacts> chunk, const ClvEstimate* estimates) {
    std::vector<std::string> ids;
    ids.reserve(chunk.size());
    for (const ClientFacts& client : chunk) {
      ids.push_back(client.client_id);
    }
    std::map<std::string, PreviousScore> previous;
    std::map<std::string, TierOverrideRecord> overrides;
    transactions_.Read([&](Transaction& transaction) {
      previous = scores_.PreviousFor(transaction, tenant_id, ids);
      overrides = scores_.OverridesFor(transaction, tenant_id, ids);
    });
    return score_chunk(std::move(chunk), estimates, std::move(previous), std::move(overrides));
  };

  bool going = true;
  if (!sharded) {
    for (size_t begin = 0; going && begin < tenant_facts.size(); begin += kChunkSize) {
      const size_t end = std::min(tenant_facts.size(), begin + kChunkSize);
      going = read_and_score(
          std::vector<ClientFacts>(
              std::make_move_iterator(tenant_facts.begin() + static_cast<std::ptrdiff_t>(begin)),
              std::make_move_iterator(tenant_facts.begin() + static_cast<std::ptrdiff_t>(end))),
          &tenant_estimates[begin]);
    }
  } else {
    // The shard's buckets one after another, each in keyset pages of its clients, gathered
    // into chunks of up to 2,000 (a small tenant has few clients per bucket).
    std::vector<ClientFacts> pending;
    for (size_t b = 0; going && b < buckets.size(); ++b) {
      std::string after;
      for (bool more = true; going && more;) {
        const size_t wanted = kChunkSize - pending.size();
        std::vector<ClientFacts> page;
        transactions_.Read([&](Transaction& transaction) {
          page = aggregates_.LoadFactsPage(transaction, tenant_id, context.conversion, as_of,
                                           buckets[b], after, static_cast<int>(wanted));
        });
        more = page.size() == wanted;
        if (!page.empty()) {
          after = page.back().client_id;
        }
        pending.insert(pending.end(), std::make_move_iterator(page.begin()),
                       std::make_move_iterator(page.end()));
        if (pending.size() == kChunkSize) {
          going = read_and_score(std::move(pending), nullptr);
          pending.clear();
        }
      }
    }
    if (going && !pending.empty()) {
      going = read_and_score(std::move(pending), nullptr);
    }
  }
  writer.Finish();
  if (!going) {
    return;
  }
  report.set_scored(writer.clients_written());
  report.set_tier_changes(writer.tier_changes_written());
  report.set_done(true);
  report.set_elapsed_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  progress(report);
}

}  // namespace clienttier::scoring
