#include "services/scoring/app/batch_jobs.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"
#include "services/scoring/app/chunk_order.h"
#include "services/scoring/app/read_ranges.h"
#include "services/scoring/app/snapshot_writer.h"
#include "services/scoring/app/tenant_cache_refresh.h"
#include "services/scoring/app/tenant_facts.h"
#include "services/scoring/domain/clv_fitting.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/domain/shard.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

namespace {

// Clients per transaction: bounds lock time and lets progress flow on a large tenant.
constexpr size_t kChunkSize = 2000;

// How often a rescoring run drops the tenant's cached scores (TenantCacheRefresh): the most a
// rescored score is served stale meanwhile, and about how often a hot client misses.
constexpr std::chrono::seconds kCacheRefreshEvery{1};

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

// Runs body(slice, begin, end) over [0, n) in up to `threads` contiguous slices in order, one on
// the calling thread; returns the number of slices (body's `slice` is 0..slices-1).
template <typename Body>
size_t ParallelSlices(size_t n, int threads, const Body& body) {
  const size_t slices = std::max<size_t>(1, std::min(n, static_cast<size_t>(threads)));
  const size_t step = n == 0 ? 0 : (n + slices - 1) / slices;
  std::vector<std::future<void>> others;
  for (size_t slice = 1; slice < slices; ++slice) {
    others.push_back(std::async(std::launch::async, [&body, slice, step, n] {
      body(slice, std::min(n, slice * step), std::min(n, (slice + 1) * step));
    }));
  }
  body(size_t{0}, size_t{0}, std::min(n, step));
  for (auto& other : others) {
    other.get();
  }
  return slices;
}

// Clients per page of a whole-tenant read (one range of the primary key per page).
constexpr int kReadPage = 5000;

// Seconds per phase of one BatchRescore, for its log line. Phases that run on several threads
// at once (the readers, the writers) sum their threads' seconds, so they can exceed the wall time.
class PhaseTimes {
 public:
  PhaseTimes() : started_(std::chrono::steady_clock::now()) {}
  void Add(const std::string& phase, std::chrono::steady_clock::time_point since) {
    AddSeconds(phase,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count());
  }
  void AddSeconds(const std::string& phase, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    seconds_[phase] += seconds;
  }
  void Log(const std::string& tenant_id, int64_t clients) {
    nlohmann::json fields = nlohmann::json::object();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [phase, seconds] : seconds_) {
        fields[phase + "_s"] = static_cast<double>(static_cast<int64_t>(seconds * 1000)) / 1000;
      }
    }
    fields["total_s"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    fields["tenant"] = tenant_id;
    fields["clients"] = clients;
    LogInfo("batch rescore phases", fields);
  }

 private:
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::map<std::string, double> seconds_;
};

// The states read for some of a page's clients (`by_client`: client id and state) placed beside
// the facts of the same client (none for a client without one). Both come in the same index
// order, so a state is usually the next client's; it is looked up by id only when it is not
// (the key order is the collation's, not std::string's, so ids are never compared by order),
// and the walk goes on from there.
template <typename State>
std::vector<std::optional<State>> MatchToFacts(
    const std::vector<ClientFacts>& facts, std::vector<std::pair<std::string, State>> by_client) {
  std::vector<std::optional<State>> matched(facts.size());
  std::unordered_map<std::string_view, size_t> position;
  size_t next = 0;
  for (auto& [client_id, state] : by_client) {
    if (next < facts.size() && facts[next].client_id == client_id) {
      matched[next++] = std::move(state);
      continue;
    }
    if (position.empty()) {
      position.reserve(facts.size());
      for (size_t i = 0; i < facts.size(); ++i) {
        position.emplace(facts[i].client_id, i);
      }
    }
    const auto found = position.find(client_id);
    if (found != position.end()) {
      matched[found->second] = std::move(state);
      next = found->second + 1;
    }
  }
  return matched;
}

// One page of the tenant with what scoring it needs, in client id order: facts[i], its CLV
// estimate, its previous score state (none for a first score), its rescore-queue token (none
// when it was not queued); the page's overrides by id.
struct TenantPage {
  std::vector<ClientFacts> facts;
  std::vector<ClvEstimate> estimates;
  std::vector<std::optional<PreviousScore>> previous;
  std::vector<std::optional<int64_t>> queue_tokens;
  std::map<std::string, TierOverrideRecord> overrides;
};

// Reads the tenant (or a shard: `ranges` says which) on `readers` connections at once: ranges
// of about kReadPage clients (ReadRanges; a range's end is a short index read, taken in turn;
// each reader then reads its range's facts, previous scores and overrides as ranges of the
// tables' keys or shard indexes, refreshes their referral counts when `referral` is set (one
// question to referral per range, while the other readers wait on MariaDB or on referral: asked one
// chunk after another on the scoring thread, it was 5.3 s of a 200,000-client run's 7.4 s of
// scoring and writing) and estimates the range's CLV). The pages in range order, kept as pages: joining a million clients into one vector
// would hold them twice for a moment.
std::vector<TenantPage> ReadTenant(TransactionRunner& transactions, AggregateRepository& aggregates,
                                   ScoreRepository& scores, RescoreQueue& queue,
                                   const ScoreCalculator& calculator, const std::string& tenant_id,
                                   const TenantContext& context, Day as_of, ReadRanges& ranges,
                                   int readers, const ReferralCountsRefresher* referral,
                                   PhaseTimes& times) {
  std::mutex mutex;
  std::vector<std::unique_ptr<TenantPage>> pages;  // guarded by mutex
  ReadEachRange(ranges, readers, [&](size_t index, const ClientRange& range) {
    auto page = std::make_unique<TenantPage>();
    std::vector<std::pair<std::string, PreviousScore>> previous;
    QueueTokens queued;
    auto started = std::chrono::steady_clock::now();
    transactions.Read([&](Transaction& transaction) {
      // The queue first: each statement reads what was committed when it began, so the facts
      // read next include every change that queued these tokens.
      queued = queue.QueuedInRange(transaction, tenant_id, range);
      page->facts =
          aggregates.LoadFactsRange(transaction, tenant_id, context.conversion, as_of, range);
    });
    times.Add("read_facts", started);
    started = std::chrono::steady_clock::now();
    transactions.Read([&](Transaction& transaction) {
      previous = scores.PreviousInRange(transaction, tenant_id, range);
      page->overrides = scores.OverridesInRange(transaction, tenant_id, range);
    });
    times.Add("read_previous_scores_overrides", started);
    if (referral != nullptr) {
      // Outside any transaction: asks referral for the range's clients (stored counts when
      // it is down). A range of client ids is one question for its referrers (about a tenth
      // of the clients in the 1M demo) instead of one per 1,000 clients; a shard's range of
      // buckets names its clients.
      started = std::chrono::steady_clock::now();
      if (range.buckets.empty()) {
        referral->RefreshRange(tenant_id, range, &page->facts);
      } else {
        referral->Refresh(tenant_id, &page->facts);
      }
      times.Add("referral_counts", started);
    }
    started = std::chrono::steady_clock::now();
    page->previous = MatchToFacts(page->facts, std::move(previous));
    page->queue_tokens = MatchToFacts(page->facts, std::move(queued));
    page->estimates.reserve(page->facts.size());
    for (const ClientFacts& client : page->facts) {
      page->estimates.push_back(calculator.EstimateFor(context, client, as_of));
    }
    times.Add("clv_estimates", started);
    std::lock_guard<std::mutex> lock(mutex);
    if (pages.size() <= index) {
      pages.resize(index + 1);
    }
    pages[index] = std::move(page);
  });
  std::vector<TenantPage> tenant;
  tenant.reserve(pages.size());
  for (auto& page : pages) {
    tenant.push_back(std::move(*page));
  }
  return tenant;
}

}  // namespace

v1::ClvModel BatchJobs::FitClvModel(const std::string& tenant_id, std::optional<Day> as_of) {
  const TenantJobsRunning::Job job(options_.running);
  const UnixMicros now = clock_.Now();
  const Day day = as_of.value_or(ModelDayOf(now));
  // FitAsOf's fit, with the tenant read in ranges on several connections (ReadTenantFacts).
  TenantContext context;
  transactions_.Read([&](Transaction& transaction) {
    context = calculator_.LoadStoredContext(transaction, tenant_id);
  });
  const std::vector<ClientFacts> facts =
      std::move(ReadTenantFacts(transactions_, aggregates_, tenant_id, context.conversion, {day},
                                options_.reading_threads)
                    .front());
  v1::ClvModel model = ClvModelToProto(
      FitClvModels(facts, day, context.config.clv, context.currency), context.currency, day, now);
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
  const TenantJobsRunning::Job job(options_.running, /*takes_over_queue=*/!past_day);
  if (past_day) {
    BatchRescoreAsOf(tenant_id, *past_day, progress);
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  PhaseTimes times;
  const UnixMicros now = clock_.Now();
  const Day as_of = ModelDayOf(now);
  const bool sharded = request.shard_count() > 1;
  const bool refresh = !sharded || request.refresh_population();

  TenantContext context;
  transactions_.Read([&](Transaction& transaction) {
    context = calculator_.LoadStoredContext(transaction, tenant_id);
  });
  // Reads a range's end (ReadRanges) in a read of its own.
  const ReadRanges::PageEnd page_end = [&](int bucket, const std::string& after, int limit) {
    const auto asked = std::chrono::steady_clock::now();
    std::optional<std::string> last;
    transactions_.Read([&](Transaction& transaction) {
      last = aggregates_.PageEnd(transaction, tenant_id, bucket, after, limit);
    });
    times.Add("read_page_ends", asked);
    return last;
  };
  // The whole tenant's facts, CLV estimates, previous score states and overrides, read once
  // when the population is computed here; an unsharded run then scores from them (CLV once per
  // client, no read while scoring), a shard drops them and reads its own clients the same way.
  std::vector<TenantPage> tenant;
  int64_t tenant_clients = 0;
  if (refresh) {
    auto phase_started = std::chrono::steady_clock::now();
    ReadRanges ranges(page_end, kReadPage);
    // Referral counts only for clients this run scores: the population does not use them.
    tenant =
        ReadTenant(transactions_, aggregates_, scores_, queue_, calculator_, tenant_id, context,
                   as_of, ranges, options_.reading_threads, sharded ? nullptr : &referral_, times);
    times.Add("read_wall", phase_started);
    phase_started = std::chrono::steady_clock::now();
    std::vector<PopulationPart> parts;
    parts.reserve(tenant.size());
    for (const TenantPage& page : tenant) {
      parts.push_back(PopulationPart{&page.facts, &page.estimates});
      tenant_clients += static_cast<int64_t>(page.facts.size());
    }
    const PopulationStats stats = ComputePopulationStats(parts, context.config, as_of, 0);
    transactions_.InTransaction([&](Transaction& transaction) {
      context.population_proto = versions_.PutPopulation(
          transaction, tenant_id, PopulationToProto(stats, now, context.currency), now);
    });
    context.population = PopulationFromProto(*context.population_proto);
    times.Add("population", phase_started);
    if (sharded) {
      std::vector<TenantPage>().swap(tenant);
    }
  } else if (!context.population_proto ||
             context.population_proto->config_version() != context.config.version) {
    throw FailedPrecondition(
        "shard_count: no population statistics for the active config yet; run an unsharded "
        "BatchRescore or set refresh_population");
  }

  v1::BatchRescoreProgress report;
  report.set_population_version(context.population_proto->version());
  if (sharded) {
    // The shard's own clients only, as ranges of its buckets in every table's shard index, on
    // as many connections as a whole run (ReadRanges); its total is counted in that index.
    std::vector<std::pair<int, int64_t>> bucket_clients;
    tenant_clients = 0;
    transactions_.Read([&](Transaction& transaction) {
      bucket_clients = aggregates_.ClientsPerBucket(
          transaction, tenant_id, BucketsOfShard(request.shard_index(), request.shard_count()));
    });
    for (const auto& [bucket, clients] : bucket_clients) {
      tenant_clients += clients;
    }
    const auto phase_started = std::chrono::steady_clock::now();
    ReadRanges ranges(page_end, kReadPage, std::move(bucket_clients));
    tenant = ReadTenant(transactions_, aggregates_, scores_, queue_, calculator_, tenant_id,
                        context, as_of, ranges, options_.reading_threads, &referral_, times);
    times.Add("read_wall", phase_started);
  }
  report.set_total(tenant_clients);
  const auto scoring_started = std::chrono::steady_clock::now();
  // Declared before the writer, so a failed run's committed chunks are still refreshed after
  // the writer's threads are done.
  TenantCacheRefresh cache_refresh(cache_, tenant_id, kCacheRefreshEvery);
  SnapshotWriter writer(
      transactions_, writer_, queue_, tenant_id, [&cache_refresh] { cache_refresh.AfterCommit(); },
      options_.max_writes_in_flight);

  // Scores one chunk (previous[i], estimates[i] and queue_tokens[i] belong to chunk[i]), hands
  // its writes to the writer and reports; false when the caller went away.
  int64_t chunks = 0;
  const auto score_chunk = [&](std::vector<ClientFacts> chunk, const ClvEstimate* estimates,
                               const std::optional<PreviousScore>* previous,
                               const std::optional<int64_t>* queue_tokens,
                               const std::map<std::string, TierOverrideRecord>& overrides) {
    auto phase_started = std::chrono::steady_clock::now();
    // Each slice scores its clients and collects what they write, in chunk order.
    std::vector<ScoreChanges> parts(static_cast<size_t>(std::max(1, threads_)));
    const size_t slices =
        ParallelSlices(chunk.size(), threads_, [&](size_t slice, size_t begin, size_t end) {
          ScoreChanges& part = parts[slice];
          part.scores.reserve(end - begin);
          for (size_t i = begin; i < end; ++i) {
            const ClientFacts& client = chunk[i];
            const TierState before = previous[i] ? previous[i]->tier_state : TierState{};
            const auto record_found = overrides.find(client.client_id);
            const std::optional<TierOverrideRecord> record =
                record_found == overrides.end()
                    ? std::nullopt
                    : std::optional<TierOverrideRecord>(record_found->second);
            ComputedScore computed = calculator_.Compute(context, client, estimates[i], before,
                                                         record, now, ScoreDetail::kScoreOnly);
            CollectScoreChanges(tenant_id, std::move(computed),
                                previous[i] ? &*previous[i] : nullptr, now, &part);
          }
        });
    ScoreChanges changes = std::move(parts[0]);
    for (size_t slice = 1; slice < slices; ++slice) {
      ScoreChanges& part = parts[slice];
      std::move(part.scores.begin(), part.scores.end(), std::back_inserter(changes.scores));
      std::move(part.tier_changes.begin(), part.tier_changes.end(),
                std::back_inserter(changes.tier_changes));
      std::move(part.events.begin(), part.events.end(), std::back_inserter(changes.events));
    }
    QueueTokens settled;
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (queue_tokens[i]) {
        settled.emplace_back(std::move(chunk[i].client_id), *queue_tokens[i]);
      }
    }
    times.Add("compute", phase_started);
    phase_started = std::chrono::steady_clock::now();
    // Waits for an earlier chunk.
    writer.Submit(std::move(changes), std::move(settled));
    times.Add("wait_for_writer", phase_started);
    report.set_scored(writer.clients_written());
    report.set_tier_changes(writer.tier_changes_written());
    report.set_elapsed_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return ++chunks == 1 || progress(report);
  };

  // The writes in flight each in their own part of the key range (InterleavedChunks).
  bool going = true;
  std::vector<size_t> page_sizes;
  page_sizes.reserve(tenant.size());
  for (const TenantPage& page : tenant) {
    page_sizes.push_back(page.facts.size());
  }
  const std::vector<ChunkRef> chunk_order = InterleavedChunks(
      page_sizes, kChunkSize, static_cast<size_t>(std::max(1, options_.max_writes_in_flight)));
  std::vector<size_t> chunks_left(tenant.size());
  for (const ChunkRef& chunk : chunk_order) {
    ++chunks_left[chunk.page];
  }
  for (size_t i = 0; going && i < chunk_order.size(); ++i) {
    const ChunkRef& chunk = chunk_order[i];
    TenantPage& page = tenant[chunk.page];
    going = score_chunk(
        std::vector<ClientFacts>(
            std::make_move_iterator(page.facts.begin() + static_cast<std::ptrdiff_t>(chunk.begin)),
            std::make_move_iterator(page.facts.begin() + static_cast<std::ptrdiff_t>(chunk.end))),
        &page.estimates[chunk.begin], &page.previous[chunk.begin], &page.queue_tokens[chunk.begin],
        page.overrides);
    if (--chunks_left[chunk.page] == 0) {
      page = TenantPage();  // scored: its memory goes back while the rest is scored
    }
  }
  const auto finish_started = std::chrono::steady_clock::now();
  writer.Finish();
  cache_refresh.Flush();
  times.Add("wait_for_writer", finish_started);
  times.Add("score_and_write_wall", scoring_started);
  times.AddSeconds("write_busy", writer.write_seconds());
  times.AddSeconds("write_queue_removal", writer.queue_seconds());
  times.AddSeconds("write_cache_invalidation", writer.after_commit_seconds());
  times.Log(tenant_id, writer.clients_written());
#ifdef __GLIBC__
  // The run freed a few hundred MB on several threads' malloc arenas, which glibc keeps: give
  // them back, or each later batch in this long-lived process starts from a larger RSS.
  std::vector<TenantPage>().swap(tenant);
  malloc_trim(0);
#endif
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
