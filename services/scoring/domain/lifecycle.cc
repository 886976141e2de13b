#include "services/scoring/domain/lifecycle.h"

#include <algorithm>

#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/domain/rfm.h"

namespace clienttier::scoring {

const char* Name(LifecycleStage stage) {
  switch (stage) {
    case LifecycleStage::kUnspecified:
      return "unspecified";
    case LifecycleStage::kProspect:
      return "prospect";
    case LifecycleStage::kOnboarding:
      return "onboarding";
    case LifecycleStage::kGrowth:
      return "growth";
    case LifecycleStage::kMature:
      return "mature";
    case LifecycleStage::kDormant:
      return "dormant";
    case LifecycleStage::kChurned:
      return "churned";
  }
  return "unspecified";
}

Day LastActiveDay(const ClientFacts& facts) {
  return std::max({facts.last_activity_day, facts.last_purchase_day, facts.last_login_day});
}

Day RelationshipStartDay(const ClientFacts& facts) {
  const Day first_purchase =
      facts.first_purchase_day == kNever ? facts.last_purchase_day : facts.first_purchase_day;
  // Activity before the given acquisition day (a history loaded with a later acquired_at)
  // still shows the relationship was older: the earliest of the days known.
  Day start = kNever;
  for (const Day day : {facts.acquired_day, facts.first_activity_day, first_purchase}) {
    if (day != kNever && (start == kNever || day < start)) {
      start = day;
    }
  }
  return start;
}

int64_t InactiveDays(const ClientFacts& facts, Day as_of) {
  const Day last_active = LastActiveDay(facts);
  if (last_active == kNever) {
    return -1;
  }
  return std::max<int64_t>(0, as_of - last_active);
}

LifecycleStage ClassifyLifecycle(const ClientFacts& facts, std::optional<double> p_alive,
                                 const LifecycleConfig& config, Day as_of) {
  if (!HasPurchase(facts)) {
    return LifecycleStage::kProspect;
  }
  const int64_t inactive_days = InactiveDays(facts, as_of);
  if (inactive_days >= config.churned_days ||
      (p_alive.has_value() && *p_alive < config.churned_p_alive)) {
    return LifecycleStage::kChurned;
  }
  if (inactive_days >= config.dormant_days) {
    return LifecycleStage::kDormant;
  }
  const Day first_day = RelationshipStartDay(facts);
  if (as_of < AddCalendarMonths(first_day, config.onboarding_months)) {
    return LifecycleStage::kOnboarding;
  }
  if (as_of > AddCalendarMonths(first_day, config.growth_months)) {
    return LifecycleStage::kMature;
  }
  return LifecycleStage::kGrowth;
}

}  // namespace clienttier::scoring
