// referral-demo: shows client-profile and referral working together. A client gets a code,
// two friends register with it, a self-referral is refused by name, the friends' purchases in
// client-profile reach referral through ct:events:profile and convert their referrals, the
// rewards ledger, stats, leaderboard and propagation are printed, and a retried conversion
// writes nothing. One line per step; exit code 0 only when every step behaved as documented
// in referral_service.proto.
//
//   referral-demo --profile=HOST:PORT --referral=HOST:PORT --api-key=WRITER
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "tools/demo_support.h"

namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace rv1 = ::clienttier::referral::v1;
using clienttier::tools::CallContext;
using clienttier::tools::Cny;
using clienttier::tools::Describe;
using clienttier::tools::FormatMoney;

constexpr std::chrono::seconds kCallTimeout{30};
int failures = 0;

void Step(bool ok, const std::string& what) {
  std::printf("[referral-demo] %-4s %s\n", ok ? "ok" : "FAIL", what.c_str());
  failures += ok ? 0 : 1;
}

class Demo {
 public:
  Demo(const std::string& profile, const std::string& referral, std::string key)
      : profile_(pv1::ClientProfileService::NewStub(
            grpc::CreateChannel(profile, grpc::InsecureChannelCredentials()))),
        referral_(rv1::ReferralService::NewStub(
            grpc::CreateChannel(referral, grpc::InsecureChannelCredentials()))),
        key_(std::move(key)) {}

  // The client signs up in client-profile, then buys `fen`.
  grpc::Status Buy(const std::string& client_id, int64_t fen) {
    pv1::CreateClientRequest create;
    create.mutable_client()->set_client_id(client_id);
    create.mutable_client()->set_display_name("Referral demo " + client_id);
    pv1::Client client;
    const grpc::Status created = profile_->CreateClient(Ctx().get(), create, &client);
    if (!created.ok() && created.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return created;
    }
    if (fen == 0) {
      return grpc::Status::OK;
    }
    pv1::RecordTransactionRequest record;
    auto* input = record.mutable_transaction();
    input->set_idempotency_key("referral-demo-" + client_id);
    input->set_client_id(client_id);
    input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
    *input->mutable_amount() = Cny(fen);
    input->set_category("counselling");
    input->mutable_occurred_at()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    pv1::RecordTransactionResponse response;
    return profile_->RecordTransaction(Ctx().get(), record, &response);
  }

  void Run() {
    Step(Buy("rd-alice", 0).ok(), "alice signs up in client-profile");
    rv1::IssueCodeRequest issue;
    issue.set_client_id("rd-alice");
    rv1::ReferralCode code;
    grpc::Status status = referral_->IssueCode(Ctx().get(), issue, &code);
    Step(status.ok() && code.code().size() == 10, "alice's referral code: " + code.code());

    for (const char* friend_id : {"rd-bob", "rd-carol"}) {
      Step(Buy(friend_id, 0).ok(), std::string(friend_id) + " signs up");
      rv1::Referral referral;
      status = Register(code.code(), friend_id, &referral);
      Step(status.ok() && referral.status() == rv1::REFERRAL_STATUS_REGISTERED,
           std::string(friend_id) + " registered with alice's code");
    }
    rv1::Referral refused;
    status = Register(code.code(), "rd-alice", &refused);
    Step(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
             status.error_message().rfind("self_referral:", 0) == 0,
         "alice using her own code is refused: " + Describe(status));

    Step(Buy("rd-bob", 48000).ok() && Buy("rd-carol", 30000).ok(),
         "bob and carol make their first purchases in client-profile");
    const bool converted = WaitConverted("rd-bob") && WaitConverted("rd-carol");
    Step(converted, "both referrals converted through ct:events:profile");

    rv1::ListRewardsRequest rewards_request;
    rewards_request.set_client_id("rd-alice");
    rv1::ListRewardsResponse rewards;
    status = referral_->ListRewards(Ctx().get(), rewards_request, &rewards);
    Step(status.ok() && rewards.rewards_size() == 2 && rewards.balance_size() == 1,
         "alice's ledger: 2 referrer rewards, balance " +
             (rewards.balance_size() > 0 ? FormatMoney(rewards.balance(0)) : std::string("-")));

    rv1::ConvertReferralRequest retry;
    retry.set_referee_client_id("rd-bob");
    retry.set_transaction_id("platform-retry-1");
    *retry.mutable_amount() = Cny(48000);
    retry.mutable_occurred_at()->set_seconds(code.issued_at().seconds());
    rv1::ConvertReferralResponse again;
    status = referral_->ConvertReferral(Ctx().get(), retry, &again);
    Step(status.ok() && again.outcome() == rv1::CONVERSION_OUTCOME_ALREADY_CONVERTED &&
             again.rewards_size() == 0,
         "a platform reporting bob's purchase again converts nothing twice");

    rv1::GetReferralStatsRequest stats_request;
    rv1::ReferralStats stats;
    status = referral_->GetReferralStats(Ctx().get(), stats_request, &stats);
    char line[200];
    std::snprintf(
        line, sizeof(line), "tenant: %lld registered, %lld converted (%.0f%%), referred revenue %s",
        static_cast<long long>(stats.registered()), static_cast<long long>(stats.converted()),
        100.0 * stats.conversion_rate(), FormatMoney(stats.referred_revenue()).c_str());
    Step(status.ok() && stats.converted() >= 2, line);

    rv1::GetPropagationRequest propagation_request;
    propagation_request.add_client_ids("rd-alice");
    rv1::GetPropagationResponse propagation;
    status = referral_->GetPropagation(Ctx().get(), propagation_request, &propagation);
    // Two converted referees make a contributor; the third would make her a spreader (scoring's
    // rule, services/scoring/domain/propagation.h, which referral shows for its counts).
    Step(status.ok() && propagation.clients(0).tier() == rv1::PROPAGATION_TIER_CONTRIBUTOR,
         "alice's propagation for scoring: contributor (a third conversion makes a spreader), "
         "index " +
             std::to_string(propagation.clients_size() > 0 ? propagation.clients(0).index() : 0));
  }

 private:
  std::unique_ptr<grpc::ClientContext> Ctx() const { return CallContext(key_, kCallTimeout); }

  grpc::Status Register(const std::string& code, const std::string& referee,
                        rv1::Referral* referral) {
    rv1::RegisterReferralRequest request;
    request.set_code(code);
    request.set_referee_client_id(referee);
    return referral_->RegisterReferral(Ctx().get(), request, referral);
  }

  bool WaitConverted(const std::string& referee) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      rv1::GetReferralRequest request;
      request.set_referee_client_id(referee);
      rv1::Referral referral;
      if (referral_->GetReferral(Ctx().get(), request, &referral).ok() &&
          referral.status() == rv1::REFERRAL_STATUS_CONVERTED) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::unique_ptr<pv1::ClientProfileService::Stub> profile_;
  std::unique_ptr<rv1::ReferralService::Stub> referral_;
  std::string key_;
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  if (!clienttier::tools::ParseFlags(
          argc, argv, {"profile", "referral", "api-key"}, {},
          "usage: referral-demo --profile=HOST:PORT --referral=HOST:PORT --api-key=WRITER",
          &flags)) {
    return 2;
  }
  Demo(flags["profile"], flags["referral"], flags["api-key"]).Run();
  std::printf("[referral-demo] %s\n",
              failures == 0 ? "every step behaved as expected" : "some steps FAILED");
  return failures == 0 ? 0 : 1;
}
