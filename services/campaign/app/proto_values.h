#pragma once

#include <string>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/time/utc_time.h"
#include "services/campaign/domain/campaign_state.h"

namespace clienttier::campaign {

// Small conversions between the protos and the domain that several use cases need.

inline common::v1::Money Money(int64_t units, const std::string& currency) {
  common::v1::Money money;
  money.set_units(units);
  money.set_currency(currency);
  return money;
}

inline Channel ToChannel(common::v1::ContactChannel channel) {
  return static_cast<Channel>(static_cast<int>(channel));
}

inline UnixMicros Micros(const google::protobuf::Timestamp& timestamp) {
  return FromProtoTimestamp(timestamp);
}

}  // namespace clienttier::campaign
