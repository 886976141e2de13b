#pragma once

#include <cstdint>
#include <string>

#include "clienttier/common/v1/money.pb.h"
#include "clienttier/referral/v1/referral_service.pb.h"
#include "services/referral/storage/referral_repository.h"

namespace clienttier::referral {

common::v1::Money Money(int64_t units, const std::string& currency);

// A client's propagation as GetPropagation answers it (scoring's input); `row` is null for a
// client referral knows nothing about.
v1::Propagation ToPropagation(const std::string& client_id, const ClientRow* row,
                              const std::string& currency);

}  // namespace clienttier::referral
