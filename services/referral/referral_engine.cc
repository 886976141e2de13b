#include "services/referral/referral_engine.h"

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
    throw InvalidArgument("code", "must be 10 characters of 0-9 and A-Z without I, L, O, U");
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

v1::Referral ReferralEngine::Register(const std::string& tenant_id, const std::string& code_input,
                                      const std::string& referee_id) {
  const std::string code = CanonicalCode(code_input);
  const RewardRules rules = Rules(tenant_id);
  v1::Referral referral;
  pool_.InTransaction([&](sql::Connection& connection) {
    // Locking reads first: the plain reads after them see everything committed before the
    // locks were granted.
    std::optional<StoredCode> stored = CodeStore::Find(connection, code, /*lock_shared=*/true);
    if (!stored) {
      throw NotFound("code '" + code + "' not found");
    }
    RegistrationFacts facts;
    facts.caller_tenant_id = tenant_id;
    facts.code_tenant_id = stored->tenant_id;
    facts.code_active = stored->code.status() == v1::CODE_STATUS_ACTIVE;
    facts.referrer_client_id = stored->code.client_id();
    facts.referee_client_id = referee_id;
    if (facts.code_tenant_id == tenant_id) {
      ReferralStore::LockClients(connection, tenant_id, {facts.referrer_client_id, referee_id});
      std::optional<v1::Referral> existing =
          ReferralStore::FindByReferee(connection, tenant_id, referee_id, /*for_update=*/false);
      if (existing && existing->referrer_client_id() == facts.referrer_client_id) {
        referral = *existing;  // a retry
        return;
      }
      if (existing) {
        facts.existing_referrer_of_referee = existing->referrer_client_id();
      }
      const std::optional<ClientRow> referee = ReferralStore::FindClient(connection, tenant_id,
                                                                         referee_id);
      facts.referee_has_paid = referee && referee->has_paid;
      facts.max_referrals_per_day = rules.max_referrals_per_day;
      const UnixMicros now = clock_.Now();
      facts.referrer_registrations_today = ReferralStore::CountRegisteredOnDay(
          connection, tenant_id, facts.referrer_client_id, now / kMicrosPerDay);
      facts.referrer_chain = ReferralStore::ReferrerChain(connection, tenant_id,
                                                          facts.referrer_client_id,
                                                          kMaxChainDepth);
    }
    if (std::optional<Refusal> refusal = CheckRegistration(facts)) {
      throw FailedPrecondition(refusal->message);
    }
    const UnixMicros now = clock_.Now();
    referral.set_referral_id(NewEventId());
    referral.set_code(code);
    referral.set_referrer_client_id(facts.referrer_client_id);
    referral.set_referee_client_id(referee_id);
    referral.set_status(v1::REFERRAL_STATUS_REGISTERED);
    *referral.mutable_registered_at() = ToProtoTimestamp(now);
    ReferralStore::Insert(connection, tenant_id, referral, now / kMicrosPerDay);
    v1::ReferralEvent event;
    *event.mutable_referral_registered()->mutable_referral() = referral;
    AppendToOutbox(connection, {MakeEvent(tenant_id, now, std::move(event), "referral_registered")});
  });
  return referral;
}

v1::ConvertReferralResponse ReferralEngine::Convert(const std::string& tenant_id,
                                                    const Purchase& purchase) {
  const RewardRules rules = Rules(tenant_id);
  v1::ConvertReferralResponse response;
  pool_.InTransaction([&](sql::Connection& connection) {
    std::vector<OutboxEvent> events;
    response = ApplyPurchase(connection, tenant_id, rules, purchase, &events);
    if (response.outcome() == v1::CONVERSION_OUTCOME_UNSPECIFIED) {
      throw NotFound("client '" + purchase.client_id + "' was not referred");
    }
    AppendToOutbox(connection, events);
  });
  return response;
}

v1::ConvertReferralResponse ReferralEngine::ApplyPurchase(sql::Connection& connection,
                                                          const std::string& tenant_id,
                                                          const RewardRules& rules,
                                                          const Purchase& purchase,
                                                          std::vector<OutboxEvent>* events) {
  v1::ConvertReferralResponse response;
  std::optional<v1::Referral> referral =
      ReferralStore::FindByReferee(connection, tenant_id, purchase.client_id, /*for_update=*/true);
  ReferralStore::MarkPaid(connection, tenant_id, purchase.client_id, purchase.occurred_at);
  if (!referral) {
    return response;  // not a referee: outcome UNSPECIFIED
  }
  const bool qualifies =
      IsQualifyingPurchase(rules, purchase.amount_minor, purchase.currency);
  if (referral->status() == v1::REFERRAL_STATUS_CONVERTED) {
    if (purchase.from_profile_stream && purchase.currency == rules.currency &&
        purchase.transaction_id != referral->conversion_transaction_id()) {
      ReferralStore::AddReferredRevenue(connection, tenant_id, *referral, purchase.amount_minor);
    }
    response.set_outcome(v1::CONVERSION_OUTCOME_ALREADY_CONVERTED);
    *response.mutable_referral() = *referral;
    return response;
  }
  if (!qualifies) {
    response.set_outcome(v1::CONVERSION_OUTCOME_NOT_QUALIFYING);
    *response.mutable_referral() = *referral;
    return response;
  }
  const UnixMicros now = clock_.Now();
  // The referrer's row lock serialises its conversions, so the cap count below is exact.
  ReferralStore::LockClients(connection, tenant_id, {referral->referrer_client_id()});
  const int64_t rewarded = RewardStore::CountReferrerRewardsSince(
      connection, tenant_id, referral->referrer_client_id(),
      now - rules.cap_window_days * kMicrosPerDay);
  const PlannedRewards planned = PlanRewards(rules, rewarded);

  ReferralStore::MarkConverted(connection, tenant_id,
                               Converted(*referral, purchase, now));
  referral = ReferralStore::FindByReferee(connection, tenant_id, purchase.client_id, false);

  std::vector<v1::Reward> rewards;
  if (planned.referrer_minor) {
    rewards.push_back(
        MakeReward(*referral, rules, v1::REWARD_SIDE_REFERRER, *planned.referrer_minor, now));
  }
  if (planned.referee_minor) {
    rewards.push_back(
        MakeReward(*referral, rules, v1::REWARD_SIDE_REFEREE, *planned.referee_minor, now));
  }
  RewardStore::Insert(connection, tenant_id, rewards);

  v1::ReferralEvent converted;
  *converted.mutable_referral_converted()->mutable_referral() = *referral;
  events->push_back(MakeEvent(tenant_id, now, std::move(converted), "referral_converted"));
  for (const v1::Reward& reward : rewards) {
    v1::ReferralEvent issued;
    *issued.mutable_reward_issued()->mutable_reward() = reward;
    events->push_back(MakeEvent(tenant_id, now, std::move(issued), "reward_issued"));
    *response.add_rewards() = reward;
  }
  response.set_outcome(v1::CONVERSION_OUTCOME_CONVERTED);
  *response.mutable_referral() = *referral;
  return response;
}

bool ReferralEngine::ApplyEvent(sql::Connection& connection, const pv1::ProfileEvent& event,
                                std::vector<OutboxEvent>* outbox) {
  if (!MarkEventProcessed(connection, event.event_id(), event.tenant_id(), clock_.Now())) {
    return false;
  }
  if (event.payload_case() != pv1::ProfileEvent::kTransactionRecorded) {
    return true;  // only paid occasions matter to referrals
  }
  const pv1::Transaction& transaction = event.transaction_recorded().transaction();
  if (transaction.amount().units() <= 0) {
    return true;  // a free session neither converts nor makes a paying client
  }
  Purchase purchase;
  purchase.client_id = transaction.client_id();
  purchase.transaction_id = transaction.transaction_id();
  purchase.amount_minor = transaction.amount().units();
  purchase.currency = transaction.amount().currency();
  purchase.occurred_at = FromProtoTimestamp(transaction.occurred_at());
  purchase.from_profile_stream = true;
  ApplyPurchase(connection, event.tenant_id(), Rules(event.tenant_id()), purchase, outbox);
  return true;
}

int ReferralEngine::ApplyProfileEvents(const std::vector<pv1::ProfileEvent>& events) {
  int applied = 0;
  // Rules first: their read must not open the transaction's snapshot before the locks.
  for (const pv1::ProfileEvent& event : events) {
    Rules(event.tenant_id());
  }
  pool_.InTransaction([&](sql::Connection& connection) {
    applied = 0;
    std::vector<OutboxEvent> outbox;
    for (const pv1::ProfileEvent& event : events) {
      applied += ApplyEvent(connection, event, &outbox) ? 1 : 0;
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
  rules_cache_[tenant_id] = CachedRules{saved, std::chrono::steady_clock::now() + options_.rules_ttl};
  return saved;
}

}  // namespace clienttier::referral
