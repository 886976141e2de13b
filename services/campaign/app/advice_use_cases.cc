#include "services/campaign/app/advice_use_cases.h"

#include <optional>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/campaign/domain/member_mapping.h"
#include "services/campaign/domain/next_best_action.h"
#include "services/campaign/domain/sensitive_data.h"

namespace clienttier::campaign {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

v1::NextBestAction AdviceUseCases::NextBestActionFor(const std::string& tenant_id,
                                                     const std::string& client_id) {
  std::optional<StoredMember> member;
  std::optional<UnixMicros> last_contact;
  std::optional<TenantSettings> settings;
  transactions_.Read([&](Transaction& transaction) {
    member = members_.Find(transaction, tenant_id, client_id);
    last_contact = campaigns_.LastContact(transaction, tenant_id, client_id);
    settings = settings_.Find(transaction, tenant_id, false);
  });
  const SensitiveDataPolicy policy = settings ? settings->sensitive : SensitiveDataPolicy{};
  if (!member || member->erased) {
    throw NotFound("client " + client_id + " is not known to campaign" +
                   (member ? " (erased)" : " (not synced or scored yet)"));
  }
  ClientSignals signals;
  if (member->score) {
    const sv1::Score& score = *member->score;
    signals.tier = ToScoreTier(score.tier());
    signals.lifecycle = ToScoreLifecycle(score.lifecycle());
    signals.churn_warning = score.churn_warning();
    signals.churn_reason = score.churn_reason();
    signals.propagation = ToScorePropagation(score.propagation_tier());
    signals.p_alive = score.clv().p_alive();
    signals.high_past_value = score.spend_tier() == sv1::SPEND_TIER_PREMIUM;
  }
  if (member->profile) {
    const uint8_t sensitive_consents = SensitiveConsentBits(*member->profile);
    for (const pv1::Tag& tag : member->profile->tags()) {
      // Concern tags are never a cross-sell reason; tags the tenant marked sensitive only
      // under the advice consent it chose.
      if (tag.kind() == pv1::TAG_KIND_INTEREST &&
          AdviceMayUseTag(tag.value(), sensitive_consents, policy)) {
        signals.interest_tags.push_back(tag.value());
      }
    }
    signals.has_marketing_consent = ToConsentBits(*member->profile).AnyGranted();
  }
  if (last_contact) {
    signals.days_since_last_contact = (clock_.Now() - *last_contact) / kMicrosPerDay;
  }
  // Only the growth play reads purchases, so only it pays for the call.
  bool purchases_unknown = false;
  if (signals.lifecycle == Lifecycle::kGrowth && !signals.interest_tags.empty()) {
    auto bought =
        upstream_ != nullptr ? upstream_->BoughtCategories(tenant_id, client_id) : std::nullopt;
    purchases_unknown = !bought;
    signals.bought_categories = bought.value_or(std::vector<std::string>{});
  }
  const NextBestAction decided = DecideNextBestAction(signals);
  v1::NextBestAction action;
  action.set_client_id(client_id);
  action.set_action(Name(decided.action));
  action.set_reason(decided.reason);
  for (const Evidence& evidence : decided.evidence) {
    v1::Evidence& out = *action.add_evidence();
    out.set_key(evidence.key);
    out.set_value(evidence.value);
  }
  if (purchases_unknown) {
    v1::Evidence& out = *action.add_evidence();
    out.set_key("bought_categories");
    out.set_value("unknown: client-profile did not answer in time");
  }
  return action;
}

}  // namespace clienttier::campaign
