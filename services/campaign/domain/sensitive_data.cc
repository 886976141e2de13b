#include "services/campaign/domain/sensitive_data.h"

#include <algorithm>
#include <utility>

namespace clienttier::campaign {

namespace {

void CollectTags(const SegmentExpr& expr, std::vector<std::string>& tags) {
  if (expr.kind == SegmentExpr::Kind::kCondition) {
    if (expr.condition.op == SegmentOp::kHasTag && !expr.condition.values.empty()) {
      tags.push_back(expr.condition.values.front().text);
    }
    return;
  }
  for (const SegmentExpr& operand : expr.operands) {
    CollectTags(operand, tags);
  }
}

bool IsConcernOfAnyone(const std::string& tag, const std::vector<SegmentMember>& members) {
  return std::any_of(members.begin(), members.end(), [&tag](const SegmentMember& member) {
    return std::binary_search(member.concern_tags.begin(), member.concern_tags.end(), tag);
  });
}

}  // namespace

uint8_t ConsentMask(int purpose) {
  return purpose > 0 && purpose < 8 ? static_cast<uint8_t>(1U << purpose) : 0;
}

std::vector<std::string> SensitiveTagsNamed(const SegmentRule& rule,
                                            const SensitiveDataPolicy& policy,
                                            const std::vector<SegmentMember>& members) {
  std::vector<std::string> named;
  CollectTags(rule.root, named);
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  std::vector<std::string> sensitive;
  for (const std::string& tag : named) {
    // A scan of the members only for tags the tenant did not mark, and it stops at the first
    // client with that concern; rules name few tags.
    if (std::binary_search(policy.tags.begin(), policy.tags.end(), tag) ||
        IsConcernOfAnyone(tag, members)) {
      sensitive.push_back(tag);
    }
  }
  return sensitive;
}

SensitiveTagGate SegmentGate(std::vector<std::string> sensitive,
                             const SensitiveDataPolicy& policy) {
  SensitiveTagGate gate;
  gate.tags = std::move(sensitive);
  gate.consent_mask = ConsentMask(policy.segment_consent);
  return gate;
}

bool AdviceMayUseTag(const std::string& tag, uint8_t sensitive_consents,
                     const SensitiveDataPolicy& policy) {
  if (!std::binary_search(policy.tags.begin(), policy.tags.end(), tag)) {
    return true;
  }
  return (sensitive_consents & ConsentMask(policy.advice_consent)) != 0;
}

}  // namespace clienttier::campaign
