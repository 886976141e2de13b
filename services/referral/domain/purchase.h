#pragma once

#include <cstdint>
#include <string>

#include "common/time/utc_time.h"

namespace clienttier::referral {

// A paid occasion of a referee, from client-profile's stream or from ConvertReferral.
struct Purchase {
  std::string client_id;
  std::string transaction_id;
  int64_t amount_minor = 0;
  std::string currency;
  UnixMicros occurred_at = 0;
  // Only client-profile's stream adds later purchases to referred revenue: it is the record of
  // purchases, and a platform reporting the same purchase by RPC too must not count twice.
  bool from_profile_stream = false;
};

}  // namespace clienttier::referral
