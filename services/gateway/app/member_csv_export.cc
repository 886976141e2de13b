#include "services/gateway/app/member_csv_export.h"

#include "services/gateway/domain/member_csv.h"

namespace clienttier::gateway {

namespace {

constexpr char kStreamSegmentMembers[] =
    "/clienttier.campaign.v1.CampaignService/StreamSegmentMembers";
constexpr char kExportClients[] = "/clienttier.profile.v1.ClientProfileService/ExportClients";
constexpr char kCampaignService[] = "clienttier.campaign.v1.CampaignService";
constexpr char kProfileService[] = "clienttier.profile.v1.ClientProfileService";
constexpr int kChunkSize = 1000;

}  // namespace

MemberCsvExport::MemberCsvExport(Upstreams& upstreams, std::string segment_id,
                                 common::v1::ContactChannel channel, CallOptions options)
    : upstreams_(upstreams),
      segment_id_(std::move(segment_id)),
      channel_(channel),
      options_(std::move(options)) {}

void MemberCsvExport::Fail(grpc::Status status) {
  if (status_.ok()) {
    status_ = std::move(status);
  }
  if (members_) {
    members_->Cancel();
  }
  if (clients_) {
    clients_->Cancel();
  }
}

grpc::Status MemberCsvExport::Start() {
  grpc::GenericStub* campaign = upstreams_.StubFor(kCampaignService);
  grpc::GenericStub* profile = upstreams_.StubFor(kProfileService);
  if (campaign == nullptr || profile == nullptr) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        "the export needs the campaign and client-profile upstreams");
  }
  campaign::v1::StreamSegmentMembersRequest request;
  request.set_segment_id(segment_id_);
  request.set_chunk_size(kChunkSize);
  members_ = std::make_unique<UpstreamCall>(*campaign, kStreamSegmentMembers, options_);
  (void)members_->Write(request.SerializeAsString());
  (void)members_->WritesDone();
  // Consent, transactions left out: only the client records are needed.
  clients_ = std::make_unique<UpstreamCall>(*profile, kExportClients, options_);
  (void)clients_->Write(profile::v1::ExportClientsRequest().SerializeAsString());
  (void)clients_->WritesDone();
  if (!ReadChunk() && !status_.ok()) {
    return status_;
  }
  if (chunk_pending_ && chunk_.members_size() > 0) {
    // The first client, so a key client-profile refuses shows here too.
    (void)Consented(chunk_.members(0).client_id());
  }
  return status_;
}

bool MemberCsvExport::ReadChunk() {
  std::string bytes;
  if (!members_->Read(&bytes)) {
    members_done_ = true;
    const grpc::Status status = members_->Finish();
    if (!status.ok()) {
      Fail(status);
    }
    return false;
  }
  if (!chunk_.ParseFromString(bytes)) {
    Fail(grpc::Status(grpc::StatusCode::INTERNAL, "campaign's member chunk did not parse"));
    return false;
  }
  chunk_pending_ = true;
  return true;
}

bool MemberCsvExport::Consented(const std::string& client_id) {
  while (!clients_done_ && (!have_client_ || client_.client().client_id() < client_id)) {
    std::string bytes;
    const std::string previous = have_client_ ? client_.client().client_id() : "";
    if (!clients_->Read(&bytes)) {
      clients_done_ = true;
      have_client_ = false;
      const grpc::Status status = clients_->Finish();
      if (!status.ok()) {
        Fail(status);
      }
      break;
    }
    if (!client_.ParseFromString(bytes)) {
      Fail(grpc::Status(grpc::StatusCode::INTERNAL, "client-profile's client did not parse"));
      return false;
    }
    have_client_ = true;
    if (!previous.empty() && client_.client().client_id() <= previous) {
      Fail(grpc::Status(grpc::StatusCode::INTERNAL, "client-profile's clients out of order"));
      return false;
    }
  }
  return have_client_ && client_.client().client_id() == client_id &&
         HasMarketingConsent(client_.client(), channel_);
}

bool MemberCsvExport::Next(std::string* text) {
  if (!status_.ok()) {
    return false;
  }
  if (!header_sent_) {
    header_sent_ = true;
    *text = MemberCsvHeader();
    return true;
  }
  text->clear();
  while (text->empty()) {
    if (!chunk_pending_ && (members_done_ || !ReadChunk())) {
      return false;
    }
    chunk_pending_ = false;
    for (const campaign::v1::MemberSummary& member : chunk_.members()) {
      if (!last_member_.empty() && member.client_id() <= last_member_) {
        Fail(grpc::Status(grpc::StatusCode::INTERNAL, "campaign's members out of order"));
        return false;
      }
      last_member_ = member.client_id();
      if (Consented(member.client_id())) {
        *text += MemberCsvRow(member);
        ++rows_;
      }
      if (!status_.ok()) {
        return false;
      }
    }
  }
  return true;
}

grpc::Status MemberCsvExport::Finish() {
  if (status_.ok() && !members_done_) {
    // Stopped early (the HTTP client left): abandon both calls.
    Fail(grpc::Status(grpc::StatusCode::CANCELLED, "export abandoned"));
  }
  return status_;
}

}  // namespace clienttier::gateway
