#pragma once

#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::campaign {

// segments: saved rules, in canonical form. fields_used is derived, not stored.
class SegmentStore {
 public:
  // Throws AlreadyExists for a taken segment_id.
  static void Insert(sql::Connection& connection, const std::string& tenant_id,
                     const v1::Segment& segment, UnixMicros now);
  static std::optional<v1::Segment> Find(sql::Connection& connection, const std::string& tenant_id,
                                         const std::string& segment_id, bool for_update);
  // Writes name, description, rule and version + 1.
  static void Update(sql::Connection& connection, const std::string& tenant_id,
                     const v1::Segment& segment, UnixMicros now);
  static void Delete(sql::Connection& connection, const std::string& tenant_id,
                     const std::string& segment_id);
  // In segment_id order, after `after_id`.
  static std::vector<v1::Segment> List(sql::Connection& connection, const std::string& tenant_id,
                                       const std::string& after_id, int limit);
};

}  // namespace clienttier::campaign
