#pragma once

#include <optional>
#include <string>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "clienttier/profile/v1/profile_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::campaign::testing {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

inline constexpr UnixMicros kDay = kMicrosPerDay;
// 2024-10-04 00:00 UTC, a plain weekday.
inline constexpr UnixMicros kStart = 20'000 * kDay;
inline const std::string kTenant = "t-1";

inline sv1::Score Score(const std::string& client_id, sv1::Tier tier, UnixMicros as_of) {
  sv1::Score score;
  score.set_client_id(client_id);
  score.set_tier(tier);
  score.set_score(50);
  *score.mutable_as_of() = ToProtoTimestamp(as_of);
  return score;
}

// A profile with consent on `channel` granted, withdrawn, or never asked (nullopt).
inline pv1::Client Profile(const std::string& client_id, std::optional<bool> consent,
                           common::v1::ContactChannel channel = common::v1::CONTACT_CHANNEL_EMAIL,
                           int64_t version = 1) {
  pv1::Client client;
  client.set_client_id(client_id);
  client.set_version(version);
  if (consent) {
    pv1::Consent& given = *client.add_consents();
    given.set_channel(channel);
    given.set_granted(*consent);
  }
  return client;
}

inline v1::Segment Segment(const std::string& segment_id, const std::string& rule) {
  v1::Segment segment;
  segment.set_segment_id(segment_id);
  segment.set_name(segment_id);
  segment.set_rule(rule);
  return segment;
}

// A campaign as the handler passes it (checked, defaults filled in), running 30 days from
// `start`.
inline v1::Campaign Campaign(const std::string& campaign_id, const std::string& segment_id,
                             int holdout_bp, UnixMicros start,
                             common::v1::ContactChannel channel = common::v1::CONTACT_CHANNEL_EMAIL,
                             v1::CampaignTrigger trigger = v1::CAMPAIGN_TRIGGER_NONE) {
  v1::Campaign campaign;
  campaign.set_campaign_id(campaign_id);
  campaign.set_name(campaign_id);
  campaign.set_segment_id(segment_id);
  campaign.set_channel(channel);
  *campaign.mutable_schedule()->mutable_start_at() = ToProtoTimestamp(start);
  *campaign.mutable_schedule()->mutable_end_at() = ToProtoTimestamp(start + 30 * kDay);
  campaign.set_holdout_bp(holdout_bp);
  campaign.set_trigger(trigger);
  return campaign;
}

}  // namespace clienttier::campaign::testing
