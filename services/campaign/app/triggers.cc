#include "services/campaign/app/triggers.h"

#include <optional>
#include <unordered_map>

#include "services/campaign/app/proto_values.h"
#include "services/campaign/domain/audience_planner.h"
#include "services/campaign/domain/member_mapping.h"
#include "services/campaign/domain/member_snapshot.h"
#include "services/campaign/domain/sensitive_data.h"

namespace clienttier::campaign {

namespace sv1 = ::clienttier::scoring::v1;

void Triggers::Enter(Transaction& transaction, const std::string& tenant_id,
                     const std::vector<ScoringEventChange>& changes, UnixMicros now) {
  std::optional<TenantSettings> settings;
  for (const ScoringEventChange& change : changes) {
    if (change.score == nullptr || (!change.enters_welcome && !change.enters_retention)) {
      continue;
    }
    if (!settings) {
      settings = settings_.LockOrCreate(transaction, tenant_id, runner_.DefaultSettings(), now);
    }
    if (change.enters_welcome && !settings->welcome_campaign_id.empty()) {
      EnterOne(transaction, tenant_id, settings->welcome_campaign_id,
               v1::CAMPAIGN_TRIGGER_WELCOME_T1, *settings, *change.score);
    }
    if (change.enters_retention && !settings->retention_campaign_id.empty()) {
      EnterOne(transaction, tenant_id, settings->retention_campaign_id,
               v1::CAMPAIGN_TRIGGER_CHURN_WARNING, *settings, *change.score);
    }
  }
}

void Triggers::EnterOne(Transaction& transaction, const std::string& tenant_id,
                        const std::string& campaign_id, v1::CampaignTrigger trigger,
                        const TenantSettings& settings, const sv1::Score& score) {
  const std::vector<CapRule>& caps = settings.caps;
  const UnixMicros now = clock_.Now();
  auto campaign = campaigns_.Find(transaction, tenant_id, campaign_id, false);
  if (!campaign || campaign->state() != v1::CAMPAIGN_STATE_LAUNCHED ||
      campaign->trigger() != trigger || now < Micros(campaign->schedule().start_at()) ||
      now > Micros(campaign->schedule().end_at())) {
    return;
  }
  const std::string& client_id = score.client_id();
  if (!campaigns_.FindPlacements(transaction, tenant_id, campaign_id, {client_id}).empty()) {
    return;
  }
  // The member as it is now: this event's score (saved before) and the stored profile.
  auto stored = members_.Find(transaction, tenant_id, client_id);
  MemberSnapshot one;
  one.members.push_back(
      ToSegmentMember(client_id, &score, stored && stored->profile ? &*stored->profile : nullptr));
  one.consents.push_back(stored && stored->profile ? ToConsentBits(*stored->profile)
                                                   : ConsentBits{});
  one.erased.push_back(stored && stored->erased ? 1 : 0);
  const SegmentRule rule = runner_.ParseRule(
      campaign->launched_rule(), runner_.TenantCurrency(transaction, tenant_id), "launched_rule");
  // Sensitive tags gated as at launch; the concerns known here are this member's.
  const SensitiveTagGate gate =
      SegmentGate(SensitiveTagsNamed(rule, settings.sensitive, one.members), settings.sensitive);
  if (!SegmentProgram::Compile(rule, gate).Matches(one.members.front())) {
    return;
  }
  AudienceInput input;
  input.campaign_id = campaign_id;
  input.channel = ToChannel(campaign->channel());
  input.holdout_bp = campaign->holdout_bp();
  input.caps = caps;
  input.contact_at = now;
  std::unordered_map<std::string, std::vector<UnixMicros>> contacts;
  contacts[client_id] = campaigns_.ClientContactsSince(transaction, tenant_id, client_id,
                                                       now - LongestCapWindow(input.caps));
  const AudiencePlan plan = PlanAudience(one, {0}, input, contacts, {});
  campaigns_.Place(transaction, tenant_id, campaign_id, campaign->channel(), plan.placements, now);
  campaigns_.AddAudienceTotals(transaction, tenant_id, campaign_id, plan.summary);
}

}  // namespace clienttier::campaign
