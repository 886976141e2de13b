#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "services/campaign/domain/score_labels.h"

namespace clienttier::campaign {

// The small enums below use the numbers of the matching proto enums (scoring.v1 and
// profile.v1); 0 is always "unspecified" (not scored yet, or not asked). Scoring's are mapped in
// one place, domain/member_mapping.cc; tier, lifecycle and propagation tier are the labels the
// next-best-action playbook reads too (score_labels.h). rfm_segment follows scoring's
// RfmSegment, since the proto carries the segment as its name.
using MemberTier = ScoreTier;
enum class MemberSpendTier : uint8_t {
  kUnspecified = 0,
  kNone = 1,  // never purchased
  kBasic = 2,
  kGrowth = 3,
  kPremium = 4,
};
using MemberLifecycle = ScoreLifecycle;
enum class MemberRfmSegment : uint8_t {
  kUnspecified = 0,  // no purchase
  kChampions = 1,
  kLoyal = 2,
  kPotentialLoyalist = 3,
  kNew = 4,
  kPromising = 5,
  kNeedAttention = 6,
  kAboutToSleep = 7,
  kAtRisk = 8,
  kCannotLose = 9,
  kHibernating = 10,
  kLost = 11,
};
// Scoring's value x potential quadrant (services/scoring/domain/quadrant.h).
enum class MemberQuadrant : uint8_t {
  kUnspecified = 0,  // no purchase
  kStar = 1,         // high value, high potential
  kCashCow = 2,      // high value, low potential
  kQuestion = 3,     // low value, high potential
  kDog = 4,          // low value, low potential
};
enum class MemberNeedDepth : uint8_t {
  kUnspecified = 0,
  kNone = 1,
  kLight = 2,
  kModerate = 3,
  kDeep = 4,
};
using MemberPropagationTier = ScorePropagation;
enum class MemberCityTier : uint8_t {
  kUnspecified = 0,
  kTier1 = 1,
  kTier2 = 2,
  kTier3 = 3,
  kTier4AndBelow = 4,
};
enum class MemberAgeBand : uint8_t {
  kUnspecified = 0,
  kUnder18 = 1,
  k18To24 = 2,
  k25To34 = 3,
  k35To44 = 4,
  k45To54 = 5,
  k55To64 = 6,
  k65Plus = 7,
};
enum class MemberGender : uint8_t {
  kUnspecified = 0,  // not asked
  kFemale = 1,
  kMale = 2,
  kNonBinary = 3,
  kUndisclosed = 4,  // asked, chose not to say
};
enum class MemberIncomeBand : uint8_t {
  kUnspecified = 0,
  kLow = 1,
  kLowerMiddle = 2,
  kMiddle = 3,
  kUpperMiddle = 4,
  kHigh = 5,
};

// ISO 4217 code in upper case, "CNY"; all zero when unknown.
using CurrencyCode = std::array<char, 3>;

// One client as a segment rule sees it: plain data, built elsewhere from scoring's Score and
// profile's Client. A segment run evaluates a rule over a contiguous vector of these, so the
// numbers a rule usually reads come first and together (a member's first two cache lines),
// the strings last. Money is integer minor units of `currency`; days are UTC days since
// 1970-01-01.
struct SegmentMember {
  // Scores and activity.
  int64_t clv_12m_minor = 0;
  int64_t monetary_minor = 0;  // spend in scoring's RFM window
  int64_t recency_days = -1;   // days since the last paid transaction; -1 when none
  int64_t frequency = 0;       // paid transactions in scoring's RFM window
  int64_t purchases_30d = 0;
  int64_t purchases_90d = 0;
  int64_t purchases_365d = 0;
  int64_t spend_30d_minor = 0;
  int64_t spend_90d_minor = 0;
  int64_t spend_365d_minor = 0;
  int64_t sessions_90d = 0;
  int64_t days_since_login = -1;  // -1 when the client never logged in
  int64_t lifetime_purchases = 0;
  int64_t lifetime_spend_minor = 0;
  int64_t value_12m_minor = 0;      // trailing 12-month revenue (the quadrant's value)
  int64_t potential_12m_minor = 0;  // CLV minus value; may be negative
  int64_t client_since = 0;         // day the client was created
  int64_t r_score = 0;              // 1..5 (1..4 with 4 bins); 0 without a purchase
  int64_t f_score = 0;
  int64_t m_score = 0;
  int64_t rfm_cell = 0;           // R*100 + F*10 + M, 545 for "545"; 0 without a purchase
  int64_t propagation_index = 0;  // 0..100
  double p_alive = 0.0;           // 0..1
  double score = 0.0;             // composite, 0..100

  MemberTier tier = MemberTier::kUnspecified;
  MemberSpendTier spend_tier = MemberSpendTier::kUnspecified;
  MemberLifecycle lifecycle = MemberLifecycle::kUnspecified;
  MemberRfmSegment rfm_segment = MemberRfmSegment::kUnspecified;
  MemberQuadrant quadrant = MemberQuadrant::kUnspecified;
  MemberNeedDepth need_depth = MemberNeedDepth::kUnspecified;
  MemberPropagationTier propagation_tier = MemberPropagationTier::kUnspecified;
  MemberCityTier city_tier = MemberCityTier::kUnspecified;
  MemberAgeBand age_band = MemberAgeBand::kUnspecified;
  MemberGender gender = MemberGender::kUnspecified;
  MemberIncomeBand income_band = MemberIncomeBand::kUnspecified;
  bool churn_warning = false;
  CurrencyCode currency{};  // of every *_minor field: the tenant's currency

  // Profile. Empty means unknown.
  std::vector<std::string> tags;  // lower-case values, as profile stores them; no concern tags
  // Concern tags (health data): only has_tag of a sensitive tag under consent sees them.
  std::vector<std::string> concern_tags;
  // Bit n: the client granted sensitive-data purpose n (clienttier.common.v1.SensitiveDataPurpose).
  uint8_t sensitive_consents = 0;
  std::string client_id;
  std::string region;
  std::string occupation;
  std::string acquisition_channel;
};

}  // namespace clienttier::campaign
