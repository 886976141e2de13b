#pragma once

#include <string>

#include <cppconn/connection.h>

#include "clienttier/scoring/v1/scoring_service.pb.h"

namespace clienttier::scoring {

// GetTierDistribution's figures, aggregated from the tenant's latest scores.
::clienttier::scoring::v1::TierDistribution QueryDistribution(sql::Connection& connection,
                                                              const std::string& tenant_id,
                                                              const std::string& currency);

}  // namespace clienttier::scoring
