#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/campaign/domain/segment_ast.h"
#include "services/campaign/domain/segment_member.h"
#include "services/campaign/domain/segment_program.h"

namespace clienttier::campaign {

// A tenant's rules for sensitive data (issue 18 part 2). Concern tags are health data and
// always sensitive; the tenant may mark more tags sensitive. Each use needs the client consent
// the tenant chose for it (a clienttier.common.v1.SensitiveDataPurpose number, 1..7; 0 means
// the use never sees sensitive tags).
struct SensitiveDataPolicy {
  std::vector<std::string> tags;  // marked sensitive by the tenant; sorted, distinct
  int segment_consent = 0;        // segment rules, campaign audiences, segment exports
  int advice_consent = 0;         // next best action
};

// At most this many tenant-marked tags.
inline constexpr size_t kMaxSensitiveTags = 256;

// The bit of `purpose` in SegmentMember::sensitive_consents; 0 for no purpose.
uint8_t ConsentMask(int purpose);

// The tags `rule` names in has_tag that are sensitive: marked by the tenant, or carried as a
// concern by any of `members` (a value that is one client's concern is health data for every
// client). Sorted, distinct.
std::vector<std::string> SensitiveTagsNamed(const SegmentRule& rule,
                                            const SensitiveDataPolicy& policy,
                                            const std::vector<SegmentMember>& members);

// The gate a program is compiled with; empty `sensitive` tags when the rule names none.
SensitiveTagGate SegmentGate(std::vector<std::string> sensitive, const SensitiveDataPolicy& policy);

// Whether advice may use `tag` of a member: not a tenant-marked sensitive tag, or one under
// the advice consent the tenant configured. (Advice never reads concern tags.)
bool AdviceMayUseTag(const std::string& tag, uint8_t sensitive_consents,
                     const SensitiveDataPolicy& policy);

}  // namespace clienttier::campaign
