#include "services/scoring/app/batch_jobs.h"

#include <chrono>
#include <unordered_map>

#include "common/errors/domain_error.h"
#include "services/scoring/app/snapshot_writer.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

namespace {

// Clients per transaction: bounds lock time and lets progress flow on a large tenant.
constexpr size_t kChunkSize = 2000;

}  // namespace

v1::ClvModel BatchJobs::FitClvModel(const std::string& tenant_id) {
  const UnixMicros now = clock_.Now();
  const Day as_of = ModelDayOf(now);
  v1::ClvModel model;
  transactions_.Read([&](Transaction& transaction) {
    const TenantContext context = calculator_.LoadContext(transaction, tenant_id, now, false);
    const std::vector<ClientFacts> facts =
        aggregates_.LoadAllFacts(transaction, tenant_id, context.currency, as_of, 0, 1);
    std::vector<RepeatSummary> histories;
    std::vector<SpendSummary> spends;
    for (const ClientFacts& client : facts) {
      if (client.first_purchase_day == kNever) {
        continue;
      }
      const ClvClient clv = ClvClientFromFacts(client, as_of);
      histories.push_back(clv.history);
      if (clv.history.x >= 1 && clv.mean_repeat_spend > 0) {
        spends.push_back(SpendSummary{clv.history.x, clv.mean_repeat_spend});
      }
    }
    BgNbdFitOptions purchase_options;
    purchase_options.min_clients = static_cast<size_t>(context.config.clv.min_clients_to_fit);
    purchase_options.min_repeat_buyers =
        static_cast<size_t>(context.config.clv.min_repeat_buyers_to_fit);
    GammaGammaFitOptions spend_options;
    spend_options.min_clients = static_cast<size_t>(context.config.clv.min_repeat_buyers_to_fit);
    const auto purchase_fit = FitBgNbd(histories, purchase_options);
    const auto spend_fit = FitGammaGamma(spends, spend_options);
    *model.mutable_bg_nbd() = BgNbdFitToProto(purchase_fit);
    *model.mutable_gamma_gamma() = GammaGammaFitToProto(spend_fit);
    model.set_usable(purchase_fit.usable() && spend_fit.usable());
  });
  transactions_.InTransaction([&](Transaction& transaction) {
    model = versions_.PutModel(transaction, tenant_id, model, now);
  });
  return model;
}

void BatchJobs::BatchRescore(const std::string& tenant_id, const v1::BatchRescoreRequest& request,
                             const std::function<bool(const v1::BatchRescoreProgress&)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const UnixMicros now = clock_.Now();
  const Day as_of = ModelDayOf(now);
  const bool sharded = request.shard_count() > 1;
  const bool refresh = !sharded || request.refresh_population();

  TenantContext context;
  std::vector<ClientFacts> facts;
  std::unordered_map<std::string, PreviousScore> previous;
  std::unordered_map<std::string, TierOverrideRecord> overrides;
  transactions_.Read([&](Transaction& transaction) {
    // for_write=false: a missing population is computed here and stored below on refresh.
    context = calculator_.LoadContext(transaction, tenant_id, now, false);
    facts = aggregates_.LoadAllFacts(transaction, tenant_id, context.currency, as_of,
                                     request.shard_index(), request.shard_count());
    for (auto& [client_id, state] : scores_.AllPrevious(transaction, tenant_id)) {
      previous.emplace(client_id, state);
    }
    for (auto& [client_id, record] : scores_.AllOverrides(transaction, tenant_id)) {
      overrides.emplace(client_id, record);
    }
    if (refresh) {
      std::vector<ClientFacts> population_facts =
          sharded ? aggregates_.LoadAllFacts(transaction, tenant_id, context.currency, as_of, 0, 1)
                  : std::vector<ClientFacts>{};
      const std::vector<ClientFacts>& all = sharded ? population_facts : facts;
      std::vector<ClvEstimate> estimates;
      estimates.reserve(all.size());
      for (const ClientFacts& client : all) {
        estimates.push_back(calculator_.EstimateFor(context, client, as_of));
      }
      context.population = ComputePopulationStats(all, estimates, context.config, as_of, 0);
    } else if (context.population_proto->version() == 0) {
      throw FailedPrecondition(
          "shard_count: no population statistics for the active config yet; run an unsharded "
          "BatchRescore or set refresh_population");
    }
  });
  // Outside any transaction: asks referral for the shard's clients (stored counts when down).
  referral_.Refresh(tenant_id, &facts);
  if (refresh) {
    transactions_.InTransaction([&](Transaction& transaction) {
      context.population_proto = versions_.PutPopulation(
          transaction, tenant_id, PopulationToProto(context.population, now), now);
    });
    context.population = PopulationFromProto(*context.population_proto);
  }

  v1::BatchRescoreProgress report;
  report.set_total(static_cast<int64_t>(facts.size()));
  report.set_population_version(context.population_proto->version());
  SnapshotWriter writer(
      transactions_, writer_, tenant_id,
      [this, &tenant_id](const auto& client_ids) { cache_.Invalidate(tenant_id, client_ids); },
      options_.max_writes_in_flight);
  for (size_t begin = 0; begin < facts.size(); begin += kChunkSize) {
    const size_t end = std::min(facts.size(), begin + kChunkSize);
    ScoreChanges changes;
    std::vector<std::string> client_ids;
    for (size_t i = begin; i < end; ++i) {
      const ClientFacts& client = facts[i];
      const auto found = previous.find(client.client_id);
      const PreviousScore* before = found == previous.end() ? nullptr : &found->second;
      const auto record_found = overrides.find(client.client_id);
      std::optional<TierOverrideRecord> record;
      if (record_found != overrides.end()) {
        record = record_found->second;
      }
      const ComputedScore computed =
          calculator_.Compute(context, client, before != nullptr ? before->tier_state : TierState{},
                              record, now, ScoreDetail::kScoreOnly);
      CollectScoreChanges(tenant_id, computed, before, now, &changes);
      client_ids.push_back(client.client_id);
    }
    writer.Submit(std::move(changes), std::move(client_ids));  // waits for the previous chunk
    report.set_scored(writer.clients_written());
    report.set_tier_changes(writer.tier_changes_written());
    report.set_elapsed_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (begin > 0 && !progress(report)) {
      writer.Finish();
      return;
    }
  }
  writer.Finish();
  report.set_scored(writer.clients_written());
  report.set_tier_changes(writer.tier_changes_written());
  report.set_done(true);
  report.set_elapsed_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  progress(report);
}

}  // namespace clienttier::scoring
