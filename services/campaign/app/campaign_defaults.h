#pragma once

#include <string>
#include <vector>

#include "services/campaign/domain/frequency_cap.h"

namespace clienttier::campaign {

// What a tenant gets until its settings say otherwise (--default-currency).
struct CampaignDefaults {
  // The currency of a tenant's rules and reports.
  std::string currency = "CNY";
  // At most 2 contacts in 7 days.
  std::vector<CapRule> caps = {{2, 7}};
};

}  // namespace clienttier::campaign
