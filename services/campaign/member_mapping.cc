#include "services/campaign/member_mapping.h"

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
  member.tier = Small<MemberTier>(score.tier());
  member.spend_tier = Small<MemberSpendTier>(score.spend_tier());
  member.lifecycle = Small<MemberLifecycle>(score.lifecycle());
  member.need_depth = Small<MemberNeedDepth>(score.need_depth());
  member.propagation_tier = Small<MemberPropagationTier>(score.propagation_tier());
  member.quadrant = Small<MemberQuadrant>(score.quadrant());
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
  for (const pv1::Tag& tag : client.tags()) {
    member.tags.push_back(tag.value());
  }
  std::sort(member.tags.begin(), member.tags.end());
  member.tags.erase(std::unique(member.tags.begin(), member.tags.end()), member.tags.end());
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

ClientTier ToPlaybookTier(sv1::Tier tier) {
  return static_cast<ClientTier>(static_cast<int>(tier));
}

Lifecycle ToPlaybookLifecycle(sv1::LifecycleStage stage) {
  return static_cast<Lifecycle>(static_cast<int>(stage));
}

Propagation ToPlaybookPropagation(sv1::PropagationTier tier) {
  return static_cast<Propagation>(static_cast<int>(tier));
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
  return lifecycle == MemberLifecycle::kUnspecified
             ? "unspecified"
             : Name(static_cast<Lifecycle>(static_cast<int>(lifecycle)));
}

}  // namespace clienttier::campaign
