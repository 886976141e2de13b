#include "tools/demo_tenant/readable_wording.h"

#include <cstdio>
#include <regex>
#include <vector>

namespace clienttier::demo {

namespace sv1 = ::clienttier::scoring::v1;

namespace {

std::string OneDecimal(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

}  // namespace

std::string TierWords(sv1::Tier tier) {
  switch (tier) {
    case sv1::TIER_T1:
      return "Tier 1";
    case sv1::TIER_T2:
      return "Tier 2";
    case sv1::TIER_T3:
      return "Tier 3";
    default:
      return "Not rated yet";
  }
}

std::string TierWords(const std::string& name) {
  sv1::Tier tier = sv1::TIER_UNSPECIFIED;
  return sv1::Tier_Parse("TIER_" + name, &tier) ? TierWords(tier)
                                                : TierWords(sv1::TIER_UNSPECIFIED);
}

std::string LifecycleWords(sv1::LifecycleStage stage) {
  switch (stage) {
    case sv1::LIFECYCLE_STAGE_PROSPECT:
      return "Prospect";
    case sv1::LIFECYCLE_STAGE_ONBOARDING:
      return "New";
    case sv1::LIFECYCLE_STAGE_GROWTH:
      return "Growing";
    case sv1::LIFECYCLE_STAGE_MATURE:
      return "Mature";
    case sv1::LIFECYCLE_STAGE_DORMANT:
      return "Dormant";
    case sv1::LIFECYCLE_STAGE_CHURNED:
      return "Churned";
    default:
      return "Unknown";
  }
}

std::string LifecycleWords(const std::string& name) {
  sv1::LifecycleStage stage = sv1::LIFECYCLE_STAGE_UNSPECIFIED;
  std::string upper = "LIFECYCLE_STAGE_";
  for (char c : name) {
    upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return sv1::LifecycleStage_Parse(upper, &stage) ? LifecycleWords(stage) : name;
}

std::string DimensionWords(const std::string& dimension) {
  if (dimension == "consumption") {
    return "Spending";
  }
  if (dimension == "need_depth") {
    return "Depth of need";
  }
  if (dimension == "propagation") {
    return "Word of mouth";
  }
  return dimension;
}

std::string PercentText(double share) {
  const double percent = share * 100.0;
  if (percent > 0.0 && percent < 0.1) {
    return "<0.1%";
  }
  return OneDecimal(percent) + "%";
}

std::string LtvCacText(const sv1::ChannelEconomics& channel) {
  if (channel.acquisition_cost().units() == 0) {
    return "\u2014";
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", channel.ltv_to_cac());
  return text;
}

std::string RightAligned(const std::string& text, size_t columns) {
  size_t width = 0;
  for (const char c : text) {
    width += (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;  // continuation bytes
  }
  return width >= columns ? text : std::string(columns - width, ' ') + text;
}

std::string ChurnReasonWords(const std::string& reason, double p_alive) {
  std::vector<std::string> parts;
  std::smatch match;
  if (std::regex_search(reason, match, std::regex(R"(p_alive [0-9.eE+-]+ < ([0-9.eE+-]+))"))) {
    parts.push_back("only a " + PercentText(p_alive) + " chance of still being active (below " +
                    PercentText(std::stod(match[1].str())) + ")");
  }
  if (std::regex_search(reason, match, std::regex(R"(inactive (\d+) days >= (\d+))"))) {
    parts.push_back("no activity for " + match[1].str() + " days (the limit is " + match[2].str() +
                    ")");
  }
  if (parts.empty()) {
    return reason;
  }
  std::string words = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    words += "; " + parts[i];
  }
  return words;
}

std::string ActionWords(const std::string& action) {
  std::string words = action;
  for (char& c : words) {
    c = c == '_' ? ' ' : c;
  }
  return words;
}

std::string ActionReasonWords(const std::string& reason) {
  // "(T1 client: p_alive 0 < 0.3; ...)" repeats the churn reason in engineers' terms.
  std::string words =
      std::regex_replace(reason, std::regex(R"( \([^()]*(p_alive|inactive)[^()]*\))"), "");
  return std::regex_replace(words, std::regex(R"(\bT([123]) client)"), "Tier $1 client");
}

std::string TierWhy(const sv1::Score& score, const sv1::TierConfig& tiers) {
  if (score.has_tier_override() &&
      score.tier_override().mode() != sv1::TierOverride::MODE_UNSPECIFIED) {
    std::string why =
        std::string("a manager set the tier (") +
        (score.tier_override().mode() == sv1::TierOverride::MODE_FIXED ? "fixed" : "at least") +
        ": " + TierWords(score.tier_override().tier()) + ") because \"" +
        score.tier_override().reason() + "\"; its score is " + OneDecimal(score.score());
    return why;
  }
  const std::string t1 = OneDecimal(tiers.t1_min_score());
  const std::string t2 = OneDecimal(tiers.t2_min_score());
  switch (score.tier()) {
    case sv1::TIER_T1:
      return (score.score() >= tiers.t1_min_score()
                  ? "the score reaches the Tier 1 threshold of " + t1
                  : "the score is below the Tier 1 threshold of " + t1 +
                        ", kept during the grace period before a demotion");
    case sv1::TIER_T2:
      return (score.score() >= tiers.t2_min_score()
                  ? "the score reaches the Tier 2 threshold of " + t2 +
                        " but not the Tier 1 threshold of " + t1
                  : "the score is below the Tier 2 threshold of " + t2 +
                        ", kept during the grace period before a demotion");
    case sv1::TIER_T3:
      return "the score is below the Tier 2 threshold of " + t2;
    default:
      return "not scored yet";
  }
}

}  // namespace clienttier::demo
