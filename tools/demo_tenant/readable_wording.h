#pragma once

#include <cstddef>
#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"

namespace clienttier::demo {

// The demo's story in the console's words (console/src/i18n.js, English): "Tier 1", "Churned",
// "12.3%", never enum names or 9.78e-08.

std::string TierWords(scoring::v1::Tier tier);
// A tier as campaign names it ("T1", "unspecified").
std::string TierWords(const std::string& name);
// A lifecycle stage by enum or by the distribution's name ("churned").
std::string LifecycleWords(scoring::v1::LifecycleStage stage);
std::string LifecycleWords(const std::string& name);
// "consumption" -> "Spending", as the console names the score's dimensions.
std::string DimensionWords(const std::string& dimension);
// 0..1 as a percentage with one decimal; a tiny non-zero share is "<0.1%".
std::string PercentText(double share);
// A channel's LTV/CAC with two decimals, or "—" when the channel has no acquisition cost (the
// report's 0 there is no ratio), as the console shows it.
std::string LtvCacText(const scoring::v1::ChannelEconomics& channel);
// `text` right-aligned in `columns` columns, counting UTF-8 code points (so "—" takes one).
std::string RightAligned(const std::string& text, size_t columns);
// Scoring's churn reason ("T1 client: p_alive 0 < 0.3; inactive 258 days >= 60") in words,
// with P(alive) itself as a percentage: "only a <0.1% chance of still being active (below
// 30.0%); no activity for 258 days (the limit is 60)". Text it does not recognise is kept.
std::string ChurnReasonWords(const std::string& reason, double p_alive);
// A next best action ("personal_outreach") and its reason without the engineers' figures in
// parentheses, tiers named as people say them.
std::string ActionWords(const std::string& action);
std::string ActionReasonWords(const std::string& reason);
// Why the client has its tier, from its score and the tier thresholds in force.
std::string TierWhy(const scoring::v1::Score& score, const scoring::v1::TierConfig& tiers);

}  // namespace clienttier::demo
