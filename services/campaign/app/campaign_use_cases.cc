#include "services/campaign/app/campaign_use_cases.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "common/errors/domain_error.h"
#include "services/campaign/app/proto_values.h"
#include "services/campaign/domain/audience_planner.h"
#include "services/campaign/domain/campaign_state.h"

namespace clienttier::campaign {

namespace {

// The counts a launch adds to the campaign's totals: members it placed before are not
// candidates again.
v1::AudienceSummary NewlyConsidered(v1::AudienceSummary summary) {
  summary.set_candidates(summary.candidates() - summary.already_placed());
  summary.set_already_placed(0);
  return summary;
}

}  // namespace

v1::Campaign CampaignUseCases::Create(const std::string& tenant_id, v1::Campaign campaign) {
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    if (!segments_.Find(transaction, tenant_id, campaign.segment_id(), true)) {
      throw FailedPrecondition("campaign.segment_id: segment " + campaign.segment_id() +
                               " not found");
    }
    if (campaigns_.Find(transaction, tenant_id, campaign.campaign_id(), false)) {
      throw AlreadyExists("campaign " + campaign.campaign_id() + " already exists");
    }
    campaigns_.Insert(transaction, tenant_id, campaign, now);
  });
  return Get(tenant_id, campaign.campaign_id());
}

v1::Campaign CampaignUseCases::Get(const std::string& tenant_id, const std::string& campaign_id) {
  std::optional<v1::Campaign> campaign;
  transactions_.Read([&](Transaction& transaction) {
    campaign = campaigns_.Find(transaction, tenant_id, campaign_id, false);
  });
  if (!campaign) {
    throw NotFound("campaign " + campaign_id + " not found");
  }
  return *campaign;
}

std::vector<v1::Campaign> CampaignUseCases::List(const std::string& tenant_id,
                                                 const std::string& after_id,
                                                 v1::CampaignState state, int limit) {
  std::vector<v1::Campaign> campaigns;
  transactions_.Read([&](Transaction& transaction) {
    campaigns = campaigns_.List(transaction, tenant_id, after_id, state, limit);
  });
  return campaigns;
}

v1::AudienceSummary CampaignUseCases::Simulate(const std::string& tenant_id,
                                               const std::string& campaign_id) {
  const v1::Campaign campaign = Get(tenant_id, campaign_id);
  const SegmentRun run =
      runner_.Run(tenant_id, segment_use_cases_.Get(tenant_id, campaign.segment_id()).rule());
  const UnixMicros now = clock_.Now();
  AudienceInput input;
  input.campaign_id = campaign_id;
  input.channel = ToChannel(campaign.channel());
  input.holdout_bp = campaign.holdout_bp();
  input.contact_at = std::max(now, Micros(campaign.schedule().start_at()));
  std::unordered_map<std::string, std::vector<UnixMicros>> contacts;
  std::unordered_set<std::string> placed;
  transactions_.Read([&](Transaction& transaction) {
    auto settings = settings_.Find(transaction, tenant_id, false);
    input.caps = settings ? settings->caps : runner_.default_caps();
    contacts = campaigns_.ContactsSince(transaction, tenant_id,
                                        input.contact_at - LongestCapWindow(input.caps));
    placed = campaigns_.PlacedClients(transaction, tenant_id, campaign_id);
  });
  return PlanAudience(*run.snapshot, SegmentRunner::Matching(run, 0, SIZE_MAX), input, contacts,
                      placed)
      .summary;
}

v1::Campaign CampaignUseCases::Launch(const std::string& tenant_id,
                                      const std::string& campaign_id) {
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    // The settings row lock orders launches and trigger entries, so the caps see every
    // contact committed before this one.
    const TenantSettings settings =
        settings_.LockOrCreate(transaction, tenant_id, runner_.DefaultSettings(), now);
    auto campaign = campaigns_.Find(transaction, tenant_id, campaign_id, true);
    if (!campaign) {
      throw NotFound("campaign " + campaign_id + " not found");
    }
    if (campaign->state() == v1::CAMPAIGN_STATE_LAUNCHED) {
      return;  // a retry
    }
    CheckTransition(static_cast<CampaignState>(campaign->state()), CampaignState::kLaunched);
    if (now > Micros(campaign->schedule().end_at())) {
      throw FailedPrecondition("campaign " + campaign_id + ": its schedule ended at " +
                               FormatSqlDatetime(Micros(campaign->schedule().end_at())) + " UTC");
    }
    auto segment = segments_.Find(transaction, tenant_id, campaign->segment_id(), true);
    if (!segment) {
      throw FailedPrecondition("campaign " + campaign_id + ": segment " + campaign->segment_id() +
                               " no longer exists");
    }
    const SegmentRun run = runner_.Run(transaction, tenant_id, segment->rule());
    AudienceInput input;
    input.campaign_id = campaign_id;
    input.channel = ToChannel(campaign->channel());
    input.holdout_bp = campaign->holdout_bp();
    input.caps = settings.caps;
    input.contact_at = std::max(now, Micros(campaign->schedule().start_at()));
    const auto contacts = campaigns_.ContactsSince(transaction, tenant_id,
                                                   input.contact_at - LongestCapWindow(input.caps));
    const auto placed = campaigns_.PlacedClients(transaction, tenant_id, campaign_id);
    const AudiencePlan plan = PlanAudience(*run.snapshot, SegmentRunner::Matching(run, 0, SIZE_MAX),
                                           input, contacts, placed);
    campaigns_.Place(transaction, tenant_id, campaign_id, campaign->channel(), plan.placements,
                     input.contact_at);
    campaigns_.AddAudienceTotals(transaction, tenant_id, campaign_id,
                                 NewlyConsidered(plan.summary));
    campaign->set_state(v1::CAMPAIGN_STATE_LAUNCHED);
    campaign->set_launched_rule(run.rule);
    *campaign->mutable_launched_at() = ToProtoTimestamp(now);
    campaigns_.SaveState(transaction, tenant_id, *campaign, now);
  });
  return Get(tenant_id, campaign_id);
}

v1::Campaign CampaignUseCases::TransitionTo(const std::string& tenant_id,
                                            const std::string& campaign_id,
                                            v1::CampaignState target) {
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    auto campaign = campaigns_.Find(transaction, tenant_id, campaign_id, true);
    if (!campaign) {
      throw NotFound("campaign " + campaign_id + " not found");
    }
    if (campaign->state() == target) {
      return;  // a retry
    }
    CheckTransition(static_cast<CampaignState>(campaign->state()),
                    static_cast<CampaignState>(target));
    campaign->set_state(target);
    campaigns_.SaveState(transaction, tenant_id, *campaign, now);
  });
  return Get(tenant_id, campaign_id);
}

v1::Campaign CampaignUseCases::Pause(const std::string& tenant_id, const std::string& campaign_id) {
  return TransitionTo(tenant_id, campaign_id, v1::CAMPAIGN_STATE_PAUSED);
}

v1::Campaign CampaignUseCases::Complete(const std::string& tenant_id,
                                        const std::string& campaign_id) {
  return TransitionTo(tenant_id, campaign_id, v1::CAMPAIGN_STATE_COMPLETED);
}

}  // namespace clienttier::campaign
