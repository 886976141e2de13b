#pragma once

#include <functional>
#include <string>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/segment_runner.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/segment_repository.h"

namespace clienttier::campaign {

// Segments: saved rules (parsed against the tenant's currency, stored canonical), their
// previews and member streams over the tenant's member snapshot.
class SegmentUseCases {
 public:
  SegmentUseCases(TransactionRunner& transactions, SegmentRepository& segments,
                  CampaignRepository& campaigns, SegmentRunner& runner, const Clock& clock)
      : transactions_(transactions),
        segments_(segments),
        campaigns_(campaigns),
        runner_(runner),
        clock_(clock) {}

  v1::Segment Create(const std::string& tenant_id, v1::Segment segment);
  v1::Segment Get(const std::string& tenant_id, const std::string& segment_id);
  v1::Segment Update(const std::string& tenant_id, v1::Segment segment, int64_t expected_version);
  std::vector<v1::Segment> List(const std::string& tenant_id, const std::string& after_id,
                                int limit);
  // Refused while a draft, launched or paused campaign targets the segment.
  void Delete(const std::string& tenant_id, const std::string& segment_id);
  // `rule` when set, else the saved segment's.
  v1::SegmentPreview Preview(const std::string& tenant_id, const std::string& segment_id,
                             const std::string& rule, int sample_size);
  // Calls `write` with each chunk until the members run out or it returns false.
  void StreamMembers(const std::string& tenant_id, const std::string& segment_id,
                     const std::string& after_client_id, int chunk_size,
                     const std::function<bool(const v1::SegmentMembersChunk&)>& write);

 private:
  TransactionRunner& transactions_;
  SegmentRepository& segments_;
  CampaignRepository& campaigns_;
  SegmentRunner& runner_;
  const Clock& clock_;
};

}  // namespace clienttier::campaign
