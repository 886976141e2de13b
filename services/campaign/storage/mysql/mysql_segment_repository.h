#pragma once

#include "services/campaign/storage/segment_repository.h"

namespace clienttier::campaign {

// SegmentRepository on MySQL (ConnectionOf the transaction).
class MySqlSegmentRepository final : public SegmentRepository {
 public:
  // Throws AlreadyExists for a taken segment_id.
  void Insert(Transaction& transaction, const std::string& tenant_id, const v1::Segment& segment,
              UnixMicros now) override;
  std::optional<v1::Segment> Find(Transaction& transaction, const std::string& tenant_id,
                                  const std::string& segment_id, bool for_update) override;
  // Writes name, description, rule and version + 1.
  void Update(Transaction& transaction, const std::string& tenant_id, const v1::Segment& segment,
              UnixMicros now) override;
  void Delete(Transaction& transaction, const std::string& tenant_id,
              const std::string& segment_id) override;
  // In segment_id order, after `after_id`.
  std::vector<v1::Segment> List(Transaction& transaction, const std::string& tenant_id,
                                const std::string& after_id, int limit) override;
};

}  // namespace clienttier::campaign
