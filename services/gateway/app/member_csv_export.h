#pragma once

#include <memory>
#include <string>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "clienttier/common/v1/contact.pb.h"
#include "clienttier/profile/v1/profile_service.pb.h"
#include "services/gateway/transport/upstream_call.h"
#include "services/gateway/transport/upstreams.h"

namespace clienttier::gateway {

// The members of a saved segment that may be contacted on one channel, as CSV, produced piece
// by piece so the HTTP response streams (chunked) and memory stays one chunk whatever the
// segment's size.
//
// No campaign RPC lists a segment's members with consent applied: StreamSegmentMembers lists
// every member, and consent lives with the client in client-profile (campaign applies it only
// inside LaunchCampaign/SimulateCampaign, which return counts). So this merges two ordered
// streams by client_id, both read with the caller's own key: campaign's StreamSegmentMembers
// and client-profile's ExportClients, keeping a member only when its client has consent on the
// channel (HasMarketingConsent, the rule campaign's audiences use). Both services order by
// client_id in utf8mb4_bin, i.e. by bytes; an id out of order fails the export (INTERNAL)
// rather than silently dropping members.
class MemberCsvExport {
 public:
  MemberCsvExport(Upstreams& upstreams, std::string segment_id, common::v1::ContactChannel channel,
                  CallOptions options);

  // Opens both streams and reads the first chunk, so an unknown segment, a bad key or a
  // missing upstream is reported before any byte of CSV (and becomes the HTTP status).
  grpc::Status Start();
  // The next piece of CSV (the header first); false when done or failed (then Finish).
  bool Next(std::string* text);
  grpc::Status Finish();
  // Members written so far.
  int64_t rows() const { return rows_; }

 private:
  bool ReadChunk();
  // Advances the client stream to `client_id`; true if that client is there with consent.
  bool Consented(const std::string& client_id);
  void Fail(grpc::Status status);

  Upstreams& upstreams_;
  std::string segment_id_;
  common::v1::ContactChannel channel_;
  CallOptions options_;
  std::unique_ptr<UpstreamCall> members_;
  std::unique_ptr<UpstreamCall> clients_;
  campaign::v1::SegmentMembersChunk chunk_;
  bool chunk_pending_ = false;
  bool header_sent_ = false;
  bool members_done_ = false;
  profile::v1::ExportClientsResponse client_;
  bool have_client_ = false;
  bool clients_done_ = false;
  std::string last_member_;
  grpc::Status status_;
  int64_t rows_ = 0;
};

}  // namespace clienttier::gateway
