#include "services/campaign/domain/member_mapping.h"

#include <algorithm>
#include <cctype>

#include "common/time/utc_time.h"

namespace clienttier::campaign {

namespace {

namespace sv1 = ::clienttier::scoring::v1;
namespace pv1 = ::clienttier::profile::v1;

MemberRfmSegment ToRfmSegment(const std::string& name) {
  static const char* const kNames[] = {"champions",
                                       "loyal",
                                       "potential_loyalist",
                                       "new",
                                       "promising",
                                       "need_attention",
                                       "about_to_sleep",
                                       "at_risk",
                                       "cannot_lose",
                                       "hibernating",
                                       "lost"};
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (name == kNames[i]) {
      return static_cast<MemberRfmSegment>(i + 1);
    }
  }
  return MemberRfmSegment::kUnspecified;
}

// "545" -> 545; anything else (no purchase: "") -> 0.
int64_t ToRfmCell(const std::string& cell) {
  if (cell.size() != 3 ||
      !std::all_of(cell.begin(), cell.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoll(cell);
}

CurrencyCode ToCurrency(const std::string& code) {
  CurrencyCode currency{};
  if (code.size() == 3) {
    std::copy(code.begin(), code.end(), currency.begin());
  }
  return currency;
}

template <typename To, typename From>
To Small(From value) {
  return static_cast<To>(static_cast<uint8_t>(value));
}

void AddScore(const sv1::Score& score, SegmentMember& member) {
  member.score = score.score();
  member.tier = ToScoreTier(score.tier());
  member.spend_tier = ToMemberSpendTier(score.spend_tier());
  member.lifecycle = ToScoreLifecycle(score.lifecycle());
  member.need_depth = ToMemberNeedDepth(score.need_depth());
  member.propagation_tier = ToScorePropagation(score.propagation_tier());
  member.quadrant = ToMemberQuadrant(score.quadrant());
  member.propagation_index = score.propagation_index();
  member.churn_warning = score.churn_warning();

  const sv1::Rfm& rfm = score.rfm();
  member.recency_days = rfm.recency_days();
  member.frequency = rfm.frequency();
  member.monetary_minor = rfm.monetary().units();
  member.r_score = rfm.r_score();
  member.f_score = rfm.f_score();
  member.m_score = rfm.m_score();
  member.rfm_cell = ToRfmCell(rfm.cell());
  member.rfm_segment = ToRfmSegment(rfm.segment());

  member.clv_12m_minor = score.clv().clv().units();
  member.p_alive = score.clv().p_alive();

  const sv1::Windows& windows = score.windows();
  member.purchases_30d = windows.purchases_30d();
  member.purchases_90d = windows.purchases_90d();
  member.purchases_365d = windows.purchases_365d();
  member.spend_30d_minor = windows.spend_30d().units();
  member.spend_90d_minor = windows.spend_90d().units();
  member.spend_365d_minor = windows.spend_365d().units();
  member.sessions_90d = windows.sessions_90d();
  member.days_since_login = windows.days_since_login();

  member.lifetime_purchases = score.lifetime_purchases();
  member.lifetime_spend_minor = score.lifetime_spend().units();
  member.value_12m_minor = score.value_12m().units();
  member.potential_12m_minor = score.potential_12m().units();
  // Every money field of a score is in the tenant's currency; take the first one that says.
  for (const std::string* code : {&score.lifetime_spend().currency(), &score.clv().clv().currency(),
                                  &score.value_12m().currency(), &rfm.monetary().currency()}) {
    if (code->size() == 3) {
      member.currency = ToCurrency(*code);
      break;
    }
  }
}

void AddProfile(const pv1::Client& client, SegmentMember& member) {
  const pv1::Demographics& demographics = client.demographics();
  member.region = demographics.region();
  member.occupation = demographics.occupation();
  member.city_tier = Small<MemberCityTier>(demographics.city_tier());
  member.age_band = Small<MemberAgeBand>(demographics.age_band());
  member.gender = Small<MemberGender>(demographics.gender());
  member.income_band = Small<MemberIncomeBand>(demographics.income_band());
  member.acquisition_channel = client.acquisition().channel();
  member.tags.clear();
  member.concern_tags.clear();
  for (const pv1::Tag& tag : client.tags()) {
    // The kind is kept apart: a concern is health data, sensitive whatever the tenant lists.
    (tag.kind() == pv1::TAG_KIND_CONCERN ? member.concern_tags : member.tags)
        .push_back(tag.value());
  }
  for (std::vector<std::string>* tags : {&member.tags, &member.concern_tags}) {
    std::sort(tags->begin(), tags->end());
    tags->erase(std::unique(tags->begin(), tags->end()), tags->end());
  }
  member.sensitive_consents = SensitiveConsentBits(client);
  if (client.has_created_at()) {
    member.client_since = FromProtoTimestamp(client.created_at()) / kMicrosPerDay;
  }
}

}  // namespace

SegmentMember ToSegmentMember(const std::string& client_id, const sv1::Score* score,
                              const pv1::Client* client) {
  SegmentMember member;
  member.client_id = client_id;
  if (score != nullptr) {
    AddScore(*score, member);
  }
  if (client != nullptr) {
    AddProfile(*client, member);
  }
  return member;
}

uint8_t SensitiveConsentBits(const pv1::Client& client) {
  uint8_t bits = 0;
  for (const pv1::Consent& consent : client.consents()) {
    const int purpose = static_cast<int>(consent.purpose());
    if (consent.granted() && purpose > 0 && purpose < 8) {
      bits |= static_cast<uint8_t>(1U << purpose);
    }
  }
  return bits;
}

ConsentBits ToConsentBits(const pv1::Client& client) {
  ConsentBits bits;
  for (const pv1::Consent& consent : client.consents()) {
    const int channel = static_cast<int>(consent.channel());
    if (channel <= 0 || channel >= 8) {
      continue;
    }
    bits.recorded |= static_cast<uint8_t>(1U << channel);
    if (consent.granted()) {
      bits.granted |= static_cast<uint8_t>(1U << channel);
    }
  }
  return bits;
}

pv1::Client WithoutContactDetails(const pv1::Client& client) {
  pv1::Client kept = client;
  kept.clear_display_name();
  kept.clear_email();
  kept.clear_phone();
  return kept;
}

ScoreTier ToScoreTier(sv1::Tier tier) {
  switch (tier) {
    case sv1::TIER_T1:
      return ScoreTier::kT1;
    case sv1::TIER_T2:
      return ScoreTier::kT2;
    case sv1::TIER_T3:
      return ScoreTier::kT3;
    default:
      return ScoreTier::kUnspecified;
  }
}

ScoreLifecycle ToScoreLifecycle(sv1::LifecycleStage stage) {
  switch (stage) {
    case sv1::LIFECYCLE_STAGE_PROSPECT:
      return ScoreLifecycle::kProspect;
    case sv1::LIFECYCLE_STAGE_ONBOARDING:
      return ScoreLifecycle::kOnboarding;
    case sv1::LIFECYCLE_STAGE_GROWTH:
      return ScoreLifecycle::kGrowth;
    case sv1::LIFECYCLE_STAGE_MATURE:
      return ScoreLifecycle::kMature;
    case sv1::LIFECYCLE_STAGE_DORMANT:
      return ScoreLifecycle::kDormant;
    case sv1::LIFECYCLE_STAGE_CHURNED:
      return ScoreLifecycle::kChurned;
    default:
      return ScoreLifecycle::kUnspecified;
  }
}

ScorePropagation ToScorePropagation(sv1::PropagationTier tier) {
  switch (tier) {
    case sv1::PROPAGATION_TIER_SILENT:
      return ScorePropagation::kSilent;
    case sv1::PROPAGATION_TIER_PARTICIPANT:
      return ScorePropagation::kParticipant;
    case sv1::PROPAGATION_TIER_CONTRIBUTOR:
      return ScorePropagation::kContributor;
    case sv1::PROPAGATION_TIER_SPREADER:
      return ScorePropagation::kSpreader;
    default:
      return ScorePropagation::kUnspecified;
  }
}

MemberSpendTier ToMemberSpendTier(sv1::SpendTier tier) {
  switch (tier) {
    case sv1::SPEND_TIER_NONE:
      return MemberSpendTier::kNone;
    case sv1::SPEND_TIER_BASIC:
      return MemberSpendTier::kBasic;
    case sv1::SPEND_TIER_GROWTH:
      return MemberSpendTier::kGrowth;
    case sv1::SPEND_TIER_PREMIUM:
      return MemberSpendTier::kPremium;
    default:
      return MemberSpendTier::kUnspecified;
  }
}

MemberNeedDepth ToMemberNeedDepth(sv1::NeedDepth depth) {
  switch (depth) {
    case sv1::NEED_DEPTH_NONE:
      return MemberNeedDepth::kNone;
    case sv1::NEED_DEPTH_LIGHT:
      return MemberNeedDepth::kLight;
    case sv1::NEED_DEPTH_MODERATE:
      return MemberNeedDepth::kModerate;
    case sv1::NEED_DEPTH_DEEP:
      return MemberNeedDepth::kDeep;
    default:
      return MemberNeedDepth::kUnspecified;
  }
}

MemberQuadrant ToMemberQuadrant(sv1::Quadrant quadrant) {
  switch (quadrant) {
    case sv1::QUADRANT_STAR:
      return MemberQuadrant::kStar;
    case sv1::QUADRANT_CASH_COW:
      return MemberQuadrant::kCashCow;
    case sv1::QUADRANT_QUESTION:
      return MemberQuadrant::kQuestion;
    case sv1::QUADRANT_DOG:
      return MemberQuadrant::kDog;
    default:
      return MemberQuadrant::kUnspecified;
  }
}

std::string TierName(MemberTier tier) {
  switch (tier) {
    case MemberTier::kT1:
      return "T1";
    case MemberTier::kT2:
      return "T2";
    case MemberTier::kT3:
      return "T3";
    case MemberTier::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string LifecycleName(MemberLifecycle lifecycle) {
  return lifecycle == MemberLifecycle::kUnspecified ? "unspecified" : Name(lifecycle);
}

}  // namespace clienttier::campaign
