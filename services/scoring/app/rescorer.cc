#include "services/scoring/app/rescorer.h"

namespace clienttier::scoring {

bool ApplyReferralCounts(const ReferralCounts& counts, ClientFacts* facts) {
  if (facts->referrals_sent == counts.sent && facts->referrals_converted == counts.converted) {
    return false;
  }
  facts->referrals_sent = counts.sent;
  facts->referrals_converted = counts.converted;
  return true;
}

std::optional<v1::Score> Rescorer::RescoreOne(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::string& client_id, UnixMicros now,
                                              const ReferralCountsById* referral) const {
  std::map<std::string, v1::Score> scores =
      RescoreMany(transaction, calculator_.LoadContext(transaction, tenant_id, now, true),
                  tenant_id, {client_id}, now, referral);
  if (scores.empty()) {
    return std::nullopt;
  }
  return std::move(scores.begin()->second);
}

std::map<std::string, v1::Score> Rescorer::RescoreMany(Transaction& transaction,
                                                       const TenantContext& context,
                                                       const std::string& tenant_id,
                                                       const std::vector<std::string>& client_ids,
                                                       UnixMicros now,
                                                       const ReferralCountsById* referral) const {
  // The score rows are locked first, before any facts are read: a concurrent rescore of one of
  // these clients (another consumer or replica applying its events, ScoreClient, a referral
  // event) either committed already, and the facts read below include its changes, or waits
  // here until this transaction commits. Read committed (MySqlPool's sessions), so each read
  // below sees what committed before it, not a snapshot from the transaction's start.
  const std::map<std::string, PreviousScore> stored =
      scores_.PreviousForUpdate(transaction, tenant_id, client_ids);
  std::map<std::string, ClientFacts> facts = aggregates_.LoadFactsFor(
      transaction, tenant_id, client_ids, context.conversion, ModelDayOf(now));
  if (referral != nullptr) {
    std::vector<ClientFacts> changed;
    for (auto& [client_id, client] : facts) {
      const auto counts = referral->find(client_id);
      if (counts != referral->end() && ApplyReferralCounts(counts->second, &client)) {
        changed.push_back(client);
      }
    }
    aggregates_.StoreReferralCounts(transaction, tenant_id, changed);
  }
  const std::map<std::string, TierOverrideRecord> overrides =
      scores_.OverridesFor(transaction, tenant_id, client_ids);
  std::map<std::string, v1::Score> scores;
  ScoreChanges changes;
  for (const auto& [client_id, client] : facts) {
    const auto found_previous = stored.find(client_id);
    const PreviousScore* previous =
        found_previous == stored.end() ? nullptr : &found_previous->second;
    std::optional<TierOverrideRecord> record;
    if (const auto found = overrides.find(client_id); found != overrides.end()) {
      record = found->second;
    }
    // The stored score carries no explanation text: ExplainScore computes its own.
    const ComputedScore computed =
        calculator_.Compute(context, client, previous ? previous->tier_state : TierState{}, record,
                            now, ScoreDetail::kScoreOnly);
    CollectScoreChanges(tenant_id, computed, previous, now, &changes);
    scores.emplace(client_id, computed.proto);
  }
  for (const auto& [client_id, score] : stored) {
    if (facts.count(client_id) == 0) {
      scores_.Delete(transaction, tenant_id, client_id);  // erased: no score to target
    }
  }
  writer_.Write(transaction, tenant_id, changes);
  return scores;
}

}  // namespace clienttier::scoring
