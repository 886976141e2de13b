#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::campaign {

// segments: saved rules, in canonical form. fields_used is derived, not stored.
class SegmentRepository {
 public:
  virtual ~SegmentRepository() = default;

  // Throws AlreadyExists for a taken segment_id.
  virtual void Insert(Transaction& transaction, const std::string& tenant_id,
                      const v1::Segment& segment, UnixMicros now) = 0;
  virtual std::optional<v1::Segment> Find(Transaction& transaction, const std::string& tenant_id,
                                          const std::string& segment_id, bool for_update) = 0;
  // Writes name, description, rule and version + 1.
  virtual void Update(Transaction& transaction, const std::string& tenant_id,
                      const v1::Segment& segment, UnixMicros now) = 0;
  virtual void Delete(Transaction& transaction, const std::string& tenant_id,
                      const std::string& segment_id) = 0;
  // In segment_id order, after `after_id`.
  virtual std::vector<v1::Segment> List(Transaction& transaction, const std::string& tenant_id,
                                        const std::string& after_id, int limit) = 0;
};

}  // namespace clienttier::campaign
