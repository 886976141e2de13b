#include "services/referral/app/registration.h"

#include <algorithm>
#include <map>
#include <set>

#include "clienttier/referral/v1/referral_events.pb.h"
#include "common/errors/domain_error.h"
#include "common/outbox/streams.h"
#include "services/referral/app/codes.h"

namespace clienttier::referral {

Registration::Registration(TransactionRunner& transactions, CodeRepository& codes,
                           ReferralRepository& referrals, OutboxWriter& outbox,
                           RewardSettings& settings, const Clock& clock)
    : transactions_(transactions),
      codes_(codes),
      referrals_(referrals),
      outbox_(outbox),
      settings_(settings),
      clock_(clock) {}

RegistrationOutcome Registration::Register(const std::string& tenant_id,
                                           const std::string& code_input,
                                           const std::string& referee_id) {
  return RegisterMany(tenant_id, {RegistrationRequest{CanonicalCode(code_input), referee_id}})
      .front();
}

std::vector<RegistrationOutcome> Registration::RegisterMany(
    const std::string& tenant_id, const std::vector<RegistrationRequest>& requests) {
  const RewardRules rules = settings_.Rules(tenant_id);
  std::vector<RegistrationOutcome> outcomes;
  transactions_.InTransaction([&](Transaction& transaction) {
    outcomes.assign(requests.size(), RegistrationOutcome{});
    const UnixMicros now = clock_.Now();
    const int64_t today = now / kMicrosPerDay;

    std::vector<std::string> codes;
    for (const RegistrationRequest& request : requests) {
      codes.push_back(request.code);
    }
    // A shared lock: a code cannot be revoked under a registration that uses it.
    const std::map<std::string, StoredCode> stored =
        codes_.FindMany(transaction, codes, /*lock_shared=*/true);
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
    std::map<std::string, RegistrationCounts> counts =
        referrals_.LockForRegistration(transaction, tenant_id, involved, today);
    // One read for the referees' referrals and the first step up every referrer's chain.
    std::map<std::string, v1::Referral> existing;
    std::map<std::string, std::string> referrer_of;  // who referred whom
    for (auto& [referee, referral] :
         referrals_.FindByReferees(transaction, tenant_id, involved, /*for_update=*/false)) {
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
      for (auto& [referee, referrer] : referrals_.ReferrersOf(transaction, tenant_id, frontier)) {
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
    referrals_.InsertReferrals(transaction, tenant_id, accepted, today);
    referrals_.AddRegistrations(transaction, tenant_id, registered, today);
    std::vector<OutboxEvent> events;
    for (const v1::Referral& referral : accepted) {
      v1::ReferralEvent event;
      *event.mutable_referral_registered()->mutable_referral() = referral;
      events.push_back(MakeOutboxEvent(kReferralEventStream, "referral_registered", tenant_id, now,
                                       std::move(event)));
    }
    outbox_.Append(transaction, events);
  });
  return outcomes;
}

v1::Referral Registration::Find(const std::string& tenant_id, const std::string& referee_id) {
  v1::Referral found;
  transactions_.Read([&](Transaction& transaction) {
    std::optional<v1::Referral> referral =
        referrals_.FindByReferee(transaction, tenant_id, referee_id);
    if (!referral) {
      throw NotFound("client '" + referee_id + "' was not referred");
    }
    found = *referral;
  });
  return found;
}

}  // namespace clienttier::referral
