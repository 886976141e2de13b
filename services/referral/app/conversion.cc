#include "services/referral/app/conversion.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/errors/domain_error.h"
#include "common/outbox/streams.h"
#include "services/referral/domain/profile_event_meaning.h"

namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

namespace {

v1::Reward MakeReward(const v1::Referral& referral, const RewardRules& rules, v1::RewardSide side,
                      int64_t amount_minor, UnixMicros now) {
  v1::Reward reward;
  reward.set_reward_id(NewEventId());
  reward.set_referral_id(referral.referral_id());
  reward.set_client_id(side == v1::REWARD_SIDE_REFERRER ? referral.referrer_client_id()
                                                        : referral.referee_client_id());
  reward.set_side(side);
  reward.set_kind(static_cast<v1::RewardKind>(rules.kind));
  reward.mutable_amount()->set_units(amount_minor);
  reward.mutable_amount()->set_currency(rules.currency);
  *reward.mutable_issued_at() = ToProtoTimestamp(now);
  return reward;
}

// The referral as the purchase converts it; the purchase is its first referred revenue.
v1::Referral Converted(v1::Referral referral, const Purchase& purchase, UnixMicros now) {
  common::v1::Money amount;
  amount.set_units(purchase.amount_minor);
  amount.set_currency(purchase.currency);
  referral.set_status(v1::REFERRAL_STATUS_CONVERTED);
  *referral.mutable_converted_at() = ToProtoTimestamp(now);
  referral.set_conversion_transaction_id(purchase.transaction_id);
  *referral.mutable_first_purchase() = amount;
  *referral.mutable_first_purchase_at() = ToProtoTimestamp(purchase.occurred_at);
  *referral.mutable_referred_revenue() = amount;
  return referral;
}

// A purchase that occurred before the converting one: parallel consumers can apply it later,
// but it is not revenue the referral brought.
bool MadeBeforeConversion(const v1::Referral& referral, const Purchase& purchase) {
  return referral.has_first_purchase_at() &&
         purchase.occurred_at < FromProtoTimestamp(referral.first_purchase_at());
}

}  // namespace

Conversion::Conversion(TransactionRunner& transactions, ReferralRepository& referrals,
                       RewardRepository& rewards, ProcessedEventLog& processed,
                       OutboxWriter& outbox, RewardSettings& settings, const Clock& clock,
                       ClientMergeRepository* merges)
    : transactions_(transactions),
      referrals_(referrals),
      rewards_(rewards),
      processed_(processed),
      outbox_(outbox),
      settings_(settings),
      clock_(clock),
      merges_(merges) {}

v1::ConvertReferralResponse Conversion::Convert(const std::string& tenant_id,
                                                const Purchase& purchase) {
  const RewardRules rules = settings_.Rules(tenant_id);
  v1::ConvertReferralResponse response;
  transactions_.InTransaction([&](Transaction& transaction) {
    std::vector<OutboxEvent> events;
    response = ApplyPurchases(transaction, tenant_id, rules, {purchase}, &events).front();
    if (response.outcome() == v1::CONVERSION_OUTCOME_UNSPECIFIED) {
      throw NotFound("client '" + purchase.client_id + "' was not referred");
    }
    outbox_.Append(transaction, events);
  });
  return response;
}

std::vector<v1::ConvertReferralResponse> Conversion::ApplyPurchases(
    Transaction& transaction, const std::string& tenant_id, const RewardRules& rules,
    const std::vector<Purchase>& purchases, std::vector<OutboxEvent>* events) {
  std::vector<v1::ConvertReferralResponse> responses(purchases.size());
  std::vector<std::string> buyers;
  std::map<std::string, UnixMicros> first_paid_at;
  for (const Purchase& purchase : purchases) {
    buyers.push_back(purchase.client_id);
    auto [paid, inserted] = first_paid_at.emplace(purchase.client_id, purchase.occurred_at);
    if (!inserted) {
      paid->second = std::min(paid->second, purchase.occurred_at);
    }
  }
  // Every referral_clients row the purchases write, in one client-id-ordered pass: the buyers'
  // (marked paid) and their referrers' (counts, and the cap's lock). Locked in two passes,
  // buyers then referrers, two consumers whose reads crossed (a buyer of one read is a
  // referrer in the other) each held a row the other waited for: ~40 deadlocks in a
  // 20,000-client demo, each a rolled-back read. The referrers are read first, unlocked: the
  // sessions are read committed (MySqlPool), so this read fixes no snapshot and the reads after
  // the locks still see every commit made before them.
  std::vector<std::string> likely_referrers;
  for (const auto& [referee, referrer] : referrals_.ReferrersOf(transaction, tenant_id, buyers)) {
    likely_referrers.push_back(referrer);
  }
  std::sort(likely_referrers.begin(), likely_referrers.end());
  likely_referrers.erase(std::unique(likely_referrers.begin(), likely_referrers.end()),
                         likely_referrers.end());
  // The buyers' rows come before the referral rows: a registration naming a buyer as referee
  // locks that row too, so it either committed before (and its referral is read below and
  // converts) or waits and then finds the buyer has paid. Reading the referrals first would
  // leave a gap in which a registration commits unseen and its referee's purchase never
  // converts it. Then the referral rows (locked: a referral converts once however many callers
  // race).
  referrals_.MarkPaid(transaction, tenant_id, first_paid_at, likely_referrers);
  std::map<std::string, v1::Referral> referrals =
      referrals_.FindByReferees(transaction, tenant_id, buyers, /*for_update=*/true);
  std::vector<std::string> converting_referrers;
  std::vector<std::string> unlocked_referrers;
  for (const auto& [referee, referral] : referrals) {
    if (referral.status() == v1::REFERRAL_STATUS_REGISTERED) {
      converting_referrers.push_back(referral.referrer_client_id());
    }
    if (!std::binary_search(likely_referrers.begin(), likely_referrers.end(),
                            referral.referrer_client_id())) {
      unlocked_referrers.push_back(referral.referrer_client_id());
    }
  }
  if (converting_referrers.empty() && referrals.empty()) {
    return responses;  // nobody referred among the buyers: the common case
  }
  // Registered between the two reads: locked now, out of order, which can deadlock, but only
  // when a registration commits in that moment.
  if (!unlocked_referrers.empty()) {
    referrals_.LockClients(transaction, tenant_id, unlocked_referrers);
  }
  const UnixMicros now = clock_.Now();
  std::map<std::string, int64_t> rewarded;
  // The referrers' rows are locked, so their rewards read here stay exact (the cap).
  if (!converting_referrers.empty() && rules.max_rewarded_per_referrer > 0) {
    rewarded = rewards_.ReferrerRewardsSince(transaction, tenant_id, converting_referrers,
                                             now - rules.cap_window_days * kMicrosPerDay);
  }

  std::set<std::string> changed;
  std::map<std::string, CountsDelta> deltas;
  std::vector<v1::Reward> rewards;
  for (size_t i = 0; i < purchases.size(); ++i) {
    const Purchase& purchase = purchases[i];
    const auto found = referrals.find(purchase.client_id);
    if (found == referrals.end()) {
      continue;  // not a referee: outcome UNSPECIFIED
    }
    v1::Referral& referral = found->second;
    v1::ConvertReferralResponse& response = responses[i];
    if (referral.status() == v1::REFERRAL_STATUS_CONVERTED) {
      if (purchase.from_profile_stream && purchase.currency == rules.currency &&
          purchase.transaction_id != referral.conversion_transaction_id() &&
          !MadeBeforeConversion(referral, purchase)) {
        referral.mutable_referred_revenue()->set_units(referral.referred_revenue().units() +
                                                       purchase.amount_minor);
        deltas[referral.referrer_client_id()].referred_revenue_minor += purchase.amount_minor;
        changed.insert(purchase.client_id);
      }
      response.set_outcome(v1::CONVERSION_OUTCOME_ALREADY_CONVERTED);
      *response.mutable_referral() = referral;
      continue;
    }
    if (!IsQualifyingPurchase(rules, purchase.amount_minor, purchase.currency)) {
      response.set_outcome(v1::CONVERSION_OUTCOME_NOT_QUALIFYING);
      *response.mutable_referral() = referral;
      continue;
    }
    referral = Converted(referral, purchase, now);
    changed.insert(purchase.client_id);
    CountsDelta& delta = deltas[referral.referrer_client_id()];
    ++delta.converted;
    delta.referred_revenue_minor += purchase.amount_minor;
    int64_t& referrer_rewarded = rewarded[referral.referrer_client_id()];
    const PlannedRewards planned = PlanRewards(rules, referrer_rewarded);
    response.set_outcome(v1::CONVERSION_OUTCOME_CONVERTED);
    if (planned.referrer_minor) {
      ++referrer_rewarded;
      *response.add_rewards() =
          MakeReward(referral, rules, v1::REWARD_SIDE_REFERRER, *planned.referrer_minor, now);
    }
    if (planned.referee_minor) {
      *response.add_rewards() =
          MakeReward(referral, rules, v1::REWARD_SIDE_REFEREE, *planned.referee_minor, now);
    }
    *response.mutable_referral() = referral;
    v1::ReferralEvent converted;
    *converted.mutable_referral_converted()->mutable_referral() = referral;
    events->push_back(MakeOutboxEvent(kReferralEventStream, "referral_converted", tenant_id, now,
                                      std::move(converted)));
    if (response.rewards_size() > 0) {
      v1::ReferralEvent issued;
      *issued.mutable_reward_issued()->mutable_rewards() = response.rewards();
      events->push_back(MakeOutboxEvent(kReferralEventStream, "reward_issued", tenant_id, now,
                                        std::move(issued)));
      rewards.insert(rewards.end(), response.rewards().begin(), response.rewards().end());
    }
  }
  std::vector<v1::Referral> saved;
  for (const std::string& referee : changed) {
    saved.push_back(referrals.at(referee));
  }
  referrals_.SaveConversions(transaction, tenant_id, saved);
  referrals_.AddReferrerCounts(transaction, tenant_id, deltas);
  rewards_.Insert(transaction, tenant_id, rewards);
  return responses;
}

int Conversion::ApplyProfileEvents(const std::vector<pv1::ProfileEvent>& events) {
  // What each event means to referral, decided before any I/O: its purchases, a merge, or
  // nothing. Only the first two are recorded as processed: most of the stream (new clients,
  // logins, profile changes) means nothing here, and writing their ids (and committing) was
  // over half of referral's statement time while a tenant's clients were imported (issue 16
  // part 6). Applying such an event again does nothing, so it is applied however often it
  // comes.
  struct Relevant {
    size_t index = 0;
    std::vector<Purchase> purchases;  // empty for a merge
  };
  std::vector<Relevant> relevant;
  for (size_t i = 0; i < events.size(); ++i) {
    std::vector<Purchase> purchases = PurchasesOf(events[i]);
    if (!purchases.empty() || (events[i].has_clients_merged() && merges_ != nullptr)) {
      relevant.push_back(Relevant{i, std::move(purchases)});
    }
  }
  const int ignored = static_cast<int>(events.size() - relevant.size());
  if (relevant.empty()) {
    return ignored;
  }
  // Rules first, outside the transaction (cached per tenant).
  std::map<std::string, RewardRules> rules;
  for (const Relevant& event : relevant) {
    const std::string& tenant_id = events[event.index].tenant_id();
    if (rules.count(tenant_id) == 0) {
      rules.emplace(tenant_id, settings_.Rules(tenant_id));
    }
  }
  int applied = 0;
  // May run again after a deadlock rollback: it copies what it takes from `relevant`.
  transactions_.InTransaction([&](Transaction& transaction) {
    std::vector<std::pair<std::string, std::string>> ids;
    ids.reserve(relevant.size());
    for (const Relevant& event : relevant) {
      ids.emplace_back(events[event.index].event_id(), events[event.index].tenant_id());
    }
    const std::vector<bool> fresh = processed_.MarkProcessed(transaction, ids, clock_.Now());
    applied = ignored;
    std::map<std::string, std::vector<Purchase>> purchases;  // by tenant, in stream order
    std::vector<OutboxEvent> outbox;
    const auto apply_purchases = [&](const std::string& tenant_id) {
      auto pending = purchases.find(tenant_id);
      if (pending != purchases.end()) {
        ApplyPurchases(transaction, tenant_id, rules.at(tenant_id), pending->second, &outbox);
        purchases.erase(pending);
      }
    };
    for (size_t r = 0; r < relevant.size(); ++r) {
      if (!fresh[r]) {
        continue;
      }
      ++applied;
      const pv1::ProfileEvent& event = events[relevant[r].index];
      if (!relevant[r].purchases.empty()) {
        std::vector<Purchase>& pending = purchases[event.tenant_id()];
        pending.insert(pending.end(), relevant[r].purchases.begin(), relevant[r].purchases.end());
      } else {
        // The tenant's purchases before the merge count as they happened (a duplicate's
        // purchase converts its referral first); the merge then moves the result.
        apply_purchases(event.tenant_id());
        const pv1::ClientsMerged& merged = event.clients_merged();
        merges_->MergeClients(transaction, event.tenant_id(), merged.survivor_client_id(),
                              merged.duplicate_client_id(), clock_.Now());
      }
    }
    while (!purchases.empty()) {
      apply_purchases(purchases.begin()->first);
    }
    outbox_.Append(transaction, outbox);
  });
  return applied;
}

bool Conversion::ApplyProfileEvent(const pv1::ProfileEvent& event) {
  return ApplyProfileEvents({event}) == 1;
}

}  // namespace clienttier::referral
