#include "services/referral/referral_engine.h"

#include <algorithm>
#include <map>
#include <set>

#include <cppconn/exception.h>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/db/processed_events.h"
#include "common/errors/domain_error.h"
#include "services/referral/domain/fraud_rules.h"
#include "services/referral/storage/code_store.h"
#include "services/referral/storage/referral_store.h"
#include "services/referral/storage/reward_store.h"

namespace clienttier::referral {

namespace pv1 = ::clienttier::profile::v1;

namespace {

constexpr char kReferralStream[] = "ct:events:referral";
constexpr int kDuplicateKey = 1062;
constexpr int kCodeDraws = 5;

OutboxEvent MakeEvent(const std::string& tenant_id, UnixMicros now, v1::ReferralEvent event,
                      const char* type) {
  OutboxEvent outbox;
  outbox.event_id = NewEventId();
  outbox.stream = kReferralStream;
  outbox.type = type;
  outbox.tenant_id = tenant_id;
  event.set_event_id(outbox.event_id);
  event.set_tenant_id(tenant_id);
  *event.mutable_occurred_at() = ToProtoTimestamp(now);
  outbox.payload = event.SerializeAsString();
  return outbox;
}

std::string CanonicalCode(const std::string& input) {
  std::optional<std::string> code = NormalizeCode(input);
  if (!code) {
    throw InvalidArgument("code", kCodeRule);
  }
  return *code;
}

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
  *referral.mutable_referred_revenue() = amount;
  return referral;
}

}  // namespace

ReferralEngine::ReferralEngine(MySqlPool& pool, const Clock& clock, RandomBits random,
                               ReferralEngineOptions options)
    : pool_(pool), clock_(clock), random_(std::move(random)), options_(std::move(options)) {}

v1::ReferralCode ReferralEngine::IssueCode(const std::string& tenant_id,
                                           const std::string& client_id, bool rotate) {
  v1::ReferralCode issued;
  pool_.InTransaction([&](sql::Connection& connection) {
    // Serialises IssueCode calls for one client, so "one active code" holds without relying on
    // the unique key's error alone.
    ReferralStore::LockClients(connection, tenant_id, {client_id});
    const UnixMicros now = clock_.Now();
    if (std::optional<v1::ReferralCode> active =
            CodeStore::FindActive(connection, tenant_id, client_id)) {
      if (!rotate) {
        issued = *active;
        return;
      }
      CodeStore::Revoke(connection, tenant_id, active->code(), now);
    }
    issued.Clear();
    issued.set_client_id(client_id);
    issued.set_status(v1::CODE_STATUS_ACTIVE);
    *issued.mutable_issued_at() = ToProtoTimestamp(now);
    for (int draw = 1;; ++draw) {
      issued.set_code(GenerateCode(random_));
      try {
        CodeStore::Insert(connection, tenant_id, issued);
        return;
      } catch (const sql::SQLException& error) {
        // A taken code (1 in ~1e9 per draw): draw again.
        if (error.getErrorCode() != kDuplicateKey || draw == kCodeDraws) {
          throw;
        }
      }
    }
  });
  return issued;
}

v1::ReferralCode ReferralEngine::RevokeCode(const std::string& tenant_id,
                                            const std::string& code_input) {
  const std::string code = CanonicalCode(code_input);
  v1::ReferralCode revoked;
  pool_.InTransaction([&](sql::Connection& connection) {
    std::optional<StoredCode> stored = CodeStore::Find(connection, code, /*lock_shared=*/false);
    if (!stored || stored->tenant_id != tenant_id) {
      throw NotFound("code '" + code + "' not found");
    }
    CodeStore::Revoke(connection, tenant_id, code, clock_.Now());
    revoked = CodeStore::Find(connection, code, false)->code;
  });
  return revoked;
}

v1::RecordInvitationsResponse ReferralEngine::RecordInvitations(
    const std::string& tenant_id, const std::string& client_id, int64_t count,
    const std::string& idempotency_key) {
  v1::RecordInvitationsResponse response;
  pool_.InTransaction([&](sql::Connection& connection) {
    const UnixMicros now = clock_.Now();
    // Scoped by tenant, so two tenants' keys never collide.
    const bool fresh =
        MarkEventProcessed(connection, "inv:" + tenant_id + ":" + idempotency_key, tenant_id, now);
    response.set_duplicate(!fresh);
    response.set_invitations_sent(
        ReferralStore::AddInvitations(connection, tenant_id, client_id, fresh ? count : 0));
  });
  return response;
}

RegistrationOutcome ReferralEngine::Register(const std::string& tenant_id,
                                             const std::string& code_input,
                                             const std::string& referee_id) {
  return RegisterMany(tenant_id, {RegistrationRequest{CanonicalCode(code_input), referee_id}})
      .front();
}

std::vector<RegistrationOutcome> ReferralEngine::RegisterMany(
    const std::string& tenant_id, const std::vector<RegistrationRequest>& requests) {
  const RewardRules rules = Rules(tenant_id);
  std::vector<RegistrationOutcome> outcomes;
  pool_.InTransaction([&](sql::Connection& connection) {
    outcomes.assign(requests.size(), RegistrationOutcome{});
    const UnixMicros now = clock_.Now();
    const int64_t today = now / kMicrosPerDay;

    std::vector<std::string> codes;
    for (const RegistrationRequest& request : requests) {
      codes.push_back(request.code);
    }
    // A shared lock: a code cannot be revoked under a registration that uses it.
    const std::map<std::string, StoredCode> stored =
        CodeStore::FindMany(connection, codes, /*lock_shared=*/true);
    std::vector<std::string> referrers;
    std::vector<std::string> referees;
    for (const RegistrationRequest& request : requests) {
      const auto code = stored.find(request.code);
      if (code != stored.end() && code->second.tenant_id == tenant_id) {
        referrers.push_back(code->second.code.client_id());
        referees.push_back(request.referee_id);
      }
    }
    // Locks first: every read below sees what committed before the locks were granted, and
    // concurrent registrations touching the same clients run one after the other.
    std::vector<std::string> involved = referrers;
    involved.insert(involved.end(), referees.begin(), referees.end());
    std::sort(involved.begin(), involved.end());
    involved.erase(std::unique(involved.begin(), involved.end()), involved.end());
    std::map<std::string, ReferralStore::RegistrationCounts> counts =
        ReferralStore::LockForRegistration(connection, tenant_id, involved, today);
    // One read for the referees' referrals and the first step up every referrer's chain.
    std::map<std::string, v1::Referral> existing;
    std::map<std::string, std::string> referrer_of;  // who referred whom
    for (auto& [referee, referral] :
         ReferralStore::FindByReferees(connection, tenant_id, involved, /*for_update=*/false)) {
      referrer_of.emplace(referee, referral.referrer_client_id());
      existing.emplace(referee, std::move(referral));
    }
    // Further up the chains: a query per level, rarely needed beyond the first.
    std::set<std::string> looked_up(involved.begin(), involved.end());
    std::vector<std::string> frontier;
    for (const std::string& referrer : referrers) {
      const auto up = referrer_of.find(referrer);
      if (up != referrer_of.end() && looked_up.insert(up->second).second) {
        frontier.push_back(up->second);
      }
    }
    for (int depth = 1; depth < kMaxChainDepth && !frontier.empty(); ++depth) {
      looked_up.insert(frontier.begin(), frontier.end());
      std::vector<std::string> next;
      for (auto& [referee, referrer] :
           ReferralStore::ReferrersOf(connection, tenant_id, frontier)) {
        if (looked_up.count(referrer) == 0) {
          next.push_back(referrer);
        }
        referrer_of.emplace(referee, std::move(referrer));
      }
      frontier = std::move(next);
    }

    std::vector<v1::Referral> accepted;
    std::map<std::string, int64_t> registered;  // per referrer
    for (size_t i = 0; i < requests.size(); ++i) {
      const RegistrationRequest& request = requests[i];
      RegistrationOutcome& outcome = outcomes[i];
      const auto code = stored.find(request.code);
      if (code == stored.end()) {
        outcome.refusal =
            Refusal{FraudRule::kUnknownCode, "unknown_code: no code '" + request.code + "'"};
        continue;
      }
      RegistrationFacts facts;
      facts.caller_tenant_id = tenant_id;
      facts.code_tenant_id = code->second.tenant_id;
      facts.code_active = code->second.code.status() == v1::CODE_STATUS_ACTIVE;
      facts.referrer_client_id = code->second.code.client_id();
      facts.referee_client_id = request.referee_id;
      if (facts.code_tenant_id == tenant_id) {
        const auto prior = existing.find(request.referee_id);
        if (prior != existing.end()) {
          if (prior->second.referrer_client_id() == facts.referrer_client_id) {
            outcome.referral = prior->second;  // a retry
            continue;
          }
          facts.existing_referrer_of_referee = prior->second.referrer_client_id();
        }
        facts.referee_has_paid = counts[request.referee_id].has_paid;
        facts.referrer_registrations_today = counts[facts.referrer_client_id].registered_on_day;
        facts.max_referrals_per_day = rules.max_referrals_per_day;
        for (auto up = referrer_of.find(facts.referrer_client_id);
             up != referrer_of.end() &&
             facts.referrer_chain.size() < static_cast<size_t>(kMaxChainDepth);
             up = referrer_of.find(up->second)) {
          facts.referrer_chain.push_back(up->second);
        }
      }
      if (std::optional<Refusal> refusal = CheckRegistration(facts)) {
        outcome.refusal = std::move(refusal);
        continue;
      }
      v1::Referral referral;
      referral.set_referral_id(NewEventId());
      referral.set_code(request.code);
      referral.set_referrer_client_id(facts.referrer_client_id);
      referral.set_referee_client_id(request.referee_id);
      referral.set_status(v1::REFERRAL_STATUS_REGISTERED);
      *referral.mutable_registered_at() = ToProtoTimestamp(now);
      // Later requests in the same batch see this one.
      existing[request.referee_id] = referral;
      referrer_of[request.referee_id] = facts.referrer_client_id;
      ++counts[facts.referrer_client_id].registered_on_day;
      ++registered[facts.referrer_client_id];
      outcome.referral = referral;
      accepted.push_back(std::move(referral));
    }
    ReferralStore::InsertReferrals(connection, tenant_id, accepted, today);
    ReferralStore::AddRegistrations(connection, tenant_id, registered, today);
    std::vector<OutboxEvent> events;
    for (const v1::Referral& referral : accepted) {
      v1::ReferralEvent event;
      *event.mutable_referral_registered()->mutable_referral() = referral;
      events.push_back(MakeEvent(tenant_id, now, std::move(event), "referral_registered"));
    }
    AppendToOutbox(connection, events);
  });
  return outcomes;
}

v1::ConvertReferralResponse ReferralEngine::Convert(const std::string& tenant_id,
                                                    const Purchase& purchase) {
  const RewardRules rules = Rules(tenant_id);
  v1::ConvertReferralResponse response;
  pool_.InTransaction([&](sql::Connection& connection) {
    std::vector<OutboxEvent> events;
    response = ApplyPurchases(connection, tenant_id, rules, {purchase}, &events).front();
    if (response.outcome() == v1::CONVERSION_OUTCOME_UNSPECIFIED) {
      throw NotFound("client '" + purchase.client_id + "' was not referred");
    }
    AppendToOutbox(connection, events);
  });
  return response;
}

std::vector<v1::ConvertReferralResponse> ReferralEngine::ApplyPurchases(
    sql::Connection& connection, const std::string& tenant_id, const RewardRules& rules,
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
  // The buyers' rows first: a registration naming a buyer as referee locks that row too, so
  // it either committed before (and its referral is read below and converts) or waits and then
  // finds the buyer has paid. Reading the referrals first would leave a gap in which a
  // registration commits unseen and its referee's purchase never converts it. Then the
  // referral rows (locked: a referral converts once however many callers race), then the
  // referrers' (their cap counts stay exact).
  ReferralStore::MarkPaid(connection, tenant_id, first_paid_at);
  std::map<std::string, v1::Referral> referrals =
      ReferralStore::FindByReferees(connection, tenant_id, buyers, /*for_update=*/true);
  std::vector<std::string> converting_referrers;
  for (const auto& [referee, referral] : referrals) {
    if (referral.status() == v1::REFERRAL_STATUS_REGISTERED) {
      converting_referrers.push_back(referral.referrer_client_id());
    }
  }
  if (converting_referrers.empty() && referrals.empty()) {
    return responses;  // nobody referred among the buyers: the common case
  }
  const UnixMicros now = clock_.Now();
  std::map<std::string, int64_t> rewarded;
  // Without a cap there is nothing to count, so the referrers' rows are locked only by the
  // count update at the end, for the shortest time.
  if (!converting_referrers.empty() && rules.max_rewarded_per_referrer > 0) {
    ReferralStore::LockClients(connection, tenant_id, converting_referrers);
    rewarded = RewardStore::ReferrerRewardsSince(connection, tenant_id, converting_referrers,
                                                 now - rules.cap_window_days * kMicrosPerDay);
  }

  std::set<std::string> changed;
  std::map<std::string, ReferralStore::CountsDelta> deltas;
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
          purchase.transaction_id != referral.conversion_transaction_id()) {
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
    ReferralStore::CountsDelta& delta = deltas[referral.referrer_client_id()];
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
    events->push_back(MakeEvent(tenant_id, now, std::move(converted), "referral_converted"));
    if (response.rewards_size() > 0) {
      v1::ReferralEvent issued;
      *issued.mutable_reward_issued()->mutable_rewards() = response.rewards();
      events->push_back(MakeEvent(tenant_id, now, std::move(issued), "reward_issued"));
      rewards.insert(rewards.end(), response.rewards().begin(), response.rewards().end());
    }
  }
  std::vector<v1::Referral> saved;
  for (const std::string& referee : changed) {
    saved.push_back(referrals.at(referee));
  }
  ReferralStore::SaveConversions(connection, tenant_id, saved);
  ReferralStore::AddReferrerCounts(connection, tenant_id, deltas);
  RewardStore::Insert(connection, tenant_id, rewards);
  return responses;
}

int ReferralEngine::ApplyProfileEvents(const std::vector<pv1::ProfileEvent>& events) {
  // Rules first, outside the transaction (cached per tenant).
  std::map<std::string, RewardRules> rules;
  for (const pv1::ProfileEvent& event : events) {
    if (rules.count(event.tenant_id()) == 0) {
      rules.emplace(event.tenant_id(), Rules(event.tenant_id()));
    }
  }
  int applied = 0;
  pool_.InTransaction([&](sql::Connection& connection) {
    std::vector<std::pair<std::string, std::string>> ids;
    for (const pv1::ProfileEvent& event : events) {
      ids.emplace_back(event.event_id(), event.tenant_id());
    }
    const std::vector<bool> fresh = MarkEventsProcessed(connection, ids, clock_.Now());
    applied = 0;
    std::map<std::string, std::vector<Purchase>> purchases;  // by tenant, in stream order
    for (size_t i = 0; i < events.size(); ++i) {
      if (!fresh[i]) {
        continue;
      }
      ++applied;
      if (events[i].payload_case() != pv1::ProfileEvent::kTransactionRecorded) {
        continue;  // only paid occasions matter to referrals
      }
      const pv1::Transaction& transaction = events[i].transaction_recorded().transaction();
      if (transaction.amount().units() <= 0) {
        continue;  // a free session neither converts nor makes a paying client
      }
      Purchase purchase;
      purchase.client_id = transaction.client_id();
      purchase.transaction_id = transaction.transaction_id();
      purchase.amount_minor = transaction.amount().units();
      purchase.currency = transaction.amount().currency();
      purchase.occurred_at = FromProtoTimestamp(transaction.occurred_at());
      purchase.from_profile_stream = true;
      purchases[events[i].tenant_id()].push_back(std::move(purchase));
    }
    std::vector<OutboxEvent> outbox;
    for (const auto& [tenant_id, tenant_purchases] : purchases) {
      ApplyPurchases(connection, tenant_id, rules.at(tenant_id), tenant_purchases, &outbox);
    }
    AppendToOutbox(connection, outbox);
  });
  return applied;
}

bool ReferralEngine::ApplyProfileEvent(const pv1::ProfileEvent& event) {
  return ApplyProfileEvents({event}) == 1;
}

RewardRules ReferralEngine::Rules(const std::string& tenant_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(rules_mutex_);
    auto cached = rules_cache_.find(tenant_id);
    if (cached != rules_cache_.end() && cached->second.expires > now) {
      return cached->second.rules;
    }
  }
  RewardRules rules = DefaultRewardRules(options_.default_currency);
  pool_.WithConnection([&](sql::Connection& connection) {
    if (std::optional<RewardRules> stored = RewardStore::LoadRules(connection, tenant_id)) {
      rules = *stored;
    }
  });
  std::lock_guard<std::mutex> lock(rules_mutex_);
  rules_cache_[tenant_id] = CachedRules{rules, now + options_.rules_ttl};
  return rules;
}

RewardRules ReferralEngine::PutRules(const std::string& tenant_id, const RewardRules& rules,
                                     int64_t expected_version) {
  RewardRules saved;
  pool_.InTransaction([&](sql::Connection& connection) {
    saved = RewardStore::SaveRules(connection, tenant_id, rules, expected_version, clock_.Now());
  });
  std::lock_guard<std::mutex> lock(rules_mutex_);
  rules_cache_[tenant_id] =
      CachedRules{saved, std::chrono::steady_clock::now() + options_.rules_ttl};
  return saved;
}

}  // namespace clienttier::referral
