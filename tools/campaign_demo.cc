// campaign-demo: shows client-profile, scoring and campaign working together. Sixty clients
// with consents, interest tags and purchases are created in client-profile; scoring scores them
// from ct:events:profile; campaign syncs its members from both APIs, previews a segment, saves
// it, simulates and launches a campaign (consent, caps and a 20% holdout), records outcomes,
// prints the uplift report and the next best action of three clients, and shows a second
// campaign held back by the frequency cap. One line per step; exit code 0 only when every step
// behaved as documented in campaign_service.proto.
//
//   campaign-demo --profile=HOST:PORT --scoring=HOST:PORT --campaign=HOST:PORT
//                 --api-key=WRITER --admin-api-key=ADMIN
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "clienttier/campaign/v1/campaign_service.grpc.pb.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "tools/demo_support.h"

namespace {

namespace cv1 = ::clienttier::campaign::v1;
namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;
using clienttier::tools::CallContext;
using clienttier::tools::Cny;
using clienttier::tools::Describe;
using clienttier::tools::FormatMoney;

constexpr std::chrono::seconds kCallTimeout{30};
constexpr int kClients = 60;
int failures = 0;

void Step(bool ok, const std::string& what) {
  std::printf("[campaign-demo] %-4s %s\n", ok ? "ok" : "FAIL", what.c_str());
  failures += ok ? 0 : 1;
}

std::string ClientId(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "cd-%03d", i);
  return id;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Demo {
 public:
  Demo(const std::string& profile, const std::string& scoring, const std::string& campaign,
       std::string key, std::string admin_key)
      : profile_(pv1::ClientProfileService::NewStub(
            grpc::CreateChannel(profile, grpc::InsecureChannelCredentials()))),
        scoring_(sv1::ScoringService::NewStub(
            grpc::CreateChannel(scoring, grpc::InsecureChannelCredentials()))),
        campaign_(cv1::CampaignService::NewStub(
            grpc::CreateChannel(campaign, grpc::InsecureChannelCredentials()))),
        key_(std::move(key)),
        admin_key_(std::move(admin_key)) {}

  void Run() {
    CreateClients();
    Step(WaitForScores(),
         "scoring scored all " + std::to_string(kClients) + " clients from ct:events:profile");
    cv1::SyncMembersResponse synced;
    grpc::Status status = campaign_->SyncMembers(Ctx(admin_key_).get(), {}, &synced);
    Step(status.ok() && synced.members() >= kClients,
         "SyncMembers: " + std::to_string(synced.scores()) + " scores, " +
             std::to_string(synced.clients()) + " clients -> " + std::to_string(synced.members()) +
             " members " + Describe(status));

    const std::string rule =
        "lifetime_purchases >= 1 and region in (\"north\", \"east\") and has_tag(\"mindfulness\")";
    cv1::PreviewSegmentRequest preview_request;
    preview_request.set_rule(rule);
    preview_request.set_sample_size(3);
    cv1::SegmentPreview preview;
    status = campaign_->PreviewSegment(Ctx(key_).get(), preview_request, &preview);
    std::string tiers;
    for (const cv1::TierBreakdown& tier : preview.tiers()) {
      tiers += " " + tier.tier() + "=" + std::to_string(tier.members()) + " (" +
               FormatMoney(tier.revenue_12m()) + ")";
    }
    Step(status.ok() && preview.members() > 0,
         "PreviewSegment: " + std::to_string(preview.members()) + " of " +
             std::to_string(preview.population()) + " members; by tier:" + tiers);

    cv1::CreateSegmentRequest bad;
    bad.mutable_segment()->set_segment_id("broken");
    bad.mutable_segment()->set_name("Broken");
    bad.mutable_segment()->set_rule("lifecycle < \"growth\"");
    cv1::Segment segment;
    status = campaign_->CreateSegment(Ctx(key_).get(), bad, &segment);
    Step(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT,
         "a rule with an operator its field lacks is refused: " + Describe(status));

    cv1::CreateSegmentRequest create_segment;
    create_segment.mutable_segment()->set_segment_id("mindful-buyers");
    create_segment.mutable_segment()->set_name("Mindfulness buyers in the north and east");
    create_segment.mutable_segment()->set_rule(rule);
    status = campaign_->CreateSegment(Ctx(key_).get(), create_segment, &segment);
    Step(status.ok(), "segment saved, canonical rule: " + segment.rule());

    CreateCampaign("spring-retreat", 2000);
    cv1::SimulateCampaignRequest simulate;
    simulate.set_campaign_id("spring-retreat");
    cv1::AudienceSummary simulated;
    status = campaign_->SimulateCampaign(Ctx(key_).get(), simulate, &simulated);
    Step(status.ok() && simulated.candidates() == preview.members(),
         "SimulateCampaign (writes nothing): " + Summary(simulated));
    const cv1::Campaign launched = Launch("spring-retreat");
    Step(launched.state() == cv1::CAMPAIGN_STATE_LAUNCHED &&
             launched.audience().treatment() == simulated.treatment() &&
             launched.audience().holdout() == simulated.holdout(),
         "LaunchCampaign placed what the simulation said: " + Summary(launched.audience()));

    RecordOutcomes();
    cv1::GetCampaignReportRequest report_request;
    report_request.set_campaign_id("spring-retreat");
    cv1::CampaignReport report;
    status = campaign_->GetCampaignReport(Ctx(key_).get(), report_request, &report);
    char line[512];
    std::snprintf(line, sizeof line,
                  "report: treatment %lld/%lld converted (%s), holdout %lld/%lld (%s); uplift "
                  "%.1f pp, 95%% CI [%.1f, %.1f]; incremental revenue %s; %s",
                  static_cast<long long>(report.treatment().conversions()),
                  static_cast<long long>(report.treatment().members()),
                  FormatMoney(report.treatment().revenue()).c_str(),
                  static_cast<long long>(report.holdout().conversions()),
                  static_cast<long long>(report.holdout().members()),
                  FormatMoney(report.holdout().revenue()).c_str(), report.absolute_uplift_pp(),
                  report.uplift_low_pp(), report.uplift_high_pp(),
                  FormatMoney(report.incremental_revenue()).c_str(),
                  report.enough_data() ? "enough data" : report.data_note().c_str());
    Step(status.ok() && report.treatment().members() == launched.audience().treatment(), line);

    for (int i : {0, 7, 13}) {
      cv1::GetNextBestActionRequest request;
      request.set_client_id(ClientId(i));
      cv1::NextBestAction action;
      status = campaign_->GetNextBestAction(Ctx(key_).get(), request, &action);
      std::string evidence;
      for (const cv1::Evidence& item : action.evidence()) {
        evidence += " " + item.key() + "=" + item.value();
      }
      Step(status.ok() && !action.action().empty(), "next best action for " + ClientId(i) + ": " +
                                                        action.action() + " - " + action.reason() +
                                                        " [" + evidence + " ]");
    }

    // The default cap is 2 contacts in 7 days: a second and a third campaign to the same
    // segment reach only those the first two did not contact twice.
    CreateCampaign("spring-workshop", 0);
    Launch("spring-workshop");
    CreateCampaign("spring-newsletter", 0);
    const cv1::Campaign third = Launch("spring-newsletter");
    Step(third.audience().excluded_frequency_cap() > 0,
         "a third campaign within 7 days is held back by the cap: " + Summary(third.audience()));
  }

 private:
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& key) const {
    return CallContext(key, kCallTimeout);
  }

  void CreateClients() {
    int created = 0;
    const int64_t now = NowSeconds();
    for (int i = 0; i < kClients; ++i) {
      pv1::CreateClientRequest request;
      pv1::Client& client = *request.mutable_client();
      client.set_client_id(ClientId(i));
      client.set_display_name("Campaign demo " + ClientId(i));
      client.mutable_demographics()->set_region(i % 3 == 0   ? "south"
                                                : i % 3 == 1 ? "north"
                                                             : "east");
      pv1::Consent& consent = *client.add_consents();
      consent.set_channel(clienttier::common::v1::CONTACT_CHANNEL_EMAIL);
      consent.set_granted(i % 5 != 4);  // one in five said no
      for (const char* tag : {"mindfulness", i % 2 == 0 ? "parenting" : "career"}) {
        pv1::Tag& out = *client.add_tags();
        out.set_kind(pv1::TAG_KIND_INTEREST);
        out.set_value(tag);
      }
      pv1::Client response;
      created += profile_->CreateClient(Ctx(key_).get(), request, &response).ok() ? 1 : 0;
      pv1::RecordTransactionsRequest purchases;
      for (int k = 0; k <= i % 4; ++k) {
        pv1::TransactionInput& input = *purchases.add_transactions();
        input.set_idempotency_key("campaign-demo-" + ClientId(i) + "-" + std::to_string(k));
        input.set_client_id(ClientId(i));
        input.set_kind(pv1::TRANSACTION_KIND_SESSION);
        *input.mutable_amount() = Cny(30000 + 5000 * (i % 7));
        input.set_category("counselling");
        input.mutable_occurred_at()->set_seconds(now - 86400 * (3 + (i * 13 + k * 29) % 200));
      }
      pv1::RecordTransactionsResponse recorded;
      profile_->RecordTransactions(Ctx(key_).get(), purchases, &recorded);
    }
    Step(created == kClients, std::to_string(created) +
                                  " clients with consents, tags and paid sessions in "
                                  "client-profile");
  }

  bool WaitForScores() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (int i = 0; i < kClients; ++i) {
      bool scored = false;
      while (!scored && std::chrono::steady_clock::now() < deadline) {
        sv1::GetScoreRequest request;
        request.set_client_id(ClientId(i));
        sv1::Score score;
        scored = scoring_->GetScore(Ctx(key_).get(), request, &score).ok() &&
                 score.lifetime_purchases() == 1 + i % 4;
        if (!scored) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
      if (!scored) {
        return false;
      }
    }
    return true;
  }

  void CreateCampaign(const std::string& campaign_id, int holdout_bp) {
    cv1::CreateCampaignRequest request;
    cv1::Campaign& campaign = *request.mutable_campaign();
    campaign.set_campaign_id(campaign_id);
    campaign.set_name("Spring: " + campaign_id);
    campaign.set_segment_id("mindful-buyers");
    campaign.set_channel(clienttier::common::v1::CONTACT_CHANNEL_EMAIL);
    campaign.mutable_offer()->set_text("A seat at the spring mindfulness retreat");
    *campaign.mutable_offer()->mutable_value() = Cny(20000);
    campaign.mutable_schedule()->mutable_start_at()->set_seconds(NowSeconds() - 60);
    campaign.set_holdout_bp(holdout_bp);
    cv1::Campaign created;
    const grpc::Status status = campaign_->CreateCampaign(Ctx(key_).get(), request, &created);
    Step(status.ok() && created.state() == cv1::CAMPAIGN_STATE_DRAFT,
         "campaign " + campaign_id + " created as a draft " + Describe(status));
  }

  cv1::Campaign Launch(const std::string& campaign_id) {
    cv1::LaunchCampaignRequest request;
    request.set_campaign_id(campaign_id);
    cv1::Campaign campaign;
    const grpc::Status status = campaign_->LaunchCampaign(Ctx(key_).get(), request, &campaign);
    if (!status.ok()) {
      Step(false, "launch " + campaign_id + ": " + Describe(status));
    }
    return campaign;
  }

  // Every other treatment member and one in four of the holdout convert; one booking is
  // sent twice.
  void RecordOutcomes() {
    int treatment = 0;
    int holdout = 0;
    cv1::RecordOutcomeRequest first_booking;
    for (int i = 0; i < kClients; ++i) {
      cv1::RecordOutcomeRequest request;
      request.set_campaign_id("spring-retreat");
      request.set_client_id(ClientId(i));
      // A non-converting outcome first: it tells the client's group, or that it is not in the
      // audience (no consent, or outside the segment).
      request.set_idempotency_key("visit-" + ClientId(i));
      cv1::RecordOutcomeResponse response;
      if (!campaign_->RecordOutcome(Ctx(key_).get(), request, &response).ok()) {
        continue;
      }
      const bool holdout_member = response.group() == cv1::AUDIENCE_GROUP_HOLDOUT;
      if (holdout_member ? i % 4 != 0 : i % 2 != 0) {
        continue;
      }
      request.set_idempotency_key("booking-" + ClientId(i));
      request.set_converted(true);
      *request.mutable_revenue() = Cny(20000);
      if (campaign_->RecordOutcome(Ctx(key_).get(), request, &response).ok() &&
          !response.duplicate()) {
        (holdout_member ? holdout : treatment) += 1;
        if (first_booking.client_id().empty()) {
          first_booking = request;
        }
      }
    }
    cv1::RecordOutcomeResponse retried;
    const grpc::Status status = campaign_->RecordOutcome(Ctx(key_).get(), first_booking, &retried);
    Step(status.ok() && retried.duplicate() && treatment + holdout > 0,
         "RecordOutcome: " + std::to_string(treatment) + " treatment and " +
             std::to_string(holdout) + " holdout bookings; a retried booking recorded nothing");
  }

  static std::string Summary(const cv1::AudienceSummary& summary) {
    return std::to_string(summary.candidates()) + " candidates, " +
           std::to_string(summary.treatment()) + " treatment, " +
           std::to_string(summary.holdout()) + " holdout, " +
           std::to_string(summary.excluded_no_consent()) + " without consent, " +
           std::to_string(summary.excluded_frequency_cap()) + " capped";
  }

  std::unique_ptr<pv1::ClientProfileService::Stub> profile_;
  std::unique_ptr<sv1::ScoringService::Stub> scoring_;
  std::unique_ptr<cv1::CampaignService::Stub> campaign_;
  std::string key_;
  std::string admin_key_;
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  if (!clienttier::tools::ParseFlags(
          argc, argv, {"profile", "scoring", "campaign", "api-key", "admin-api-key"}, {},
          "usage: campaign-demo --profile=HOST:PORT --scoring=HOST:PORT --campaign=HOST:PORT "
          "--api-key=WRITER --admin-api-key=ADMIN",
          &flags)) {
    return 2;
  }
  Demo(flags["profile"], flags["scoring"], flags["campaign"], flags["api-key"],
       flags["admin-api-key"])
      .Run();
  std::printf("[campaign-demo] %s\n",
              failures == 0 ? "every step behaved as expected" : "some steps FAILED");
  return failures == 0 ? 0 : 1;
}
