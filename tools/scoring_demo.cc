// scoring-demo: shows client-profile and scoring working together. It imports a small tenant
// with a realistic mix of one-visit, occasional and loyal clients (deterministic by seed),
// records their purchases in client-profile, waits for scoring to learn them through
// ct:events:profile, fits the CLV models, rescores the tenant, and prints the tier
// distribution, an explained score, tier changes and an override. One line per step; exit
// code 0 only when every step behaved as documented in scoring_service.proto.
//
//   scoring-demo --profile=HOST:PORT --scoring=HOST:PORT --api-key=WRITER --admin-api-key=ADMIN
//                [--clients=400] [--seed=7]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "tools/demo_support.h"

namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;
using clienttier::tools::CallContext;
using clienttier::tools::Cny;
using clienttier::tools::Describe;
using clienttier::tools::FormatMoney;

constexpr std::chrono::seconds kCallTimeout{30};
constexpr std::chrono::seconds kLongCallTimeout{300};
constexpr int64_t kSecondsPerDay = 86400;
constexpr int kHistoryDays = 720;
constexpr int kBatchSize = 1000;

struct Purchase {
  int client = 0;
  int days_ago = 0;
  int64_t fen = 0;
  bool session = false;
};

// A counselling centre's mix: most clients come once, some a few times, a loyal few often
// and with bigger packages (which is where the 20/80 comes from).
std::vector<Purchase> GeneratePurchases(int clients, uint64_t seed, std::vector<int>* counts) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<Purchase> purchases;
  counts->assign(static_cast<size_t>(clients), 0);
  for (int c = 0; c < clients; ++c) {
    const double kind = unit(random);
    const int visits = kind < 0.55   ? 1
                       : kind < 0.85 ? 2 + static_cast<int>(unit(random) * 4)
                                     : 6 + static_cast<int>(unit(random) * 19);
    const int first = 1 + static_cast<int>(unit(random) * (kHistoryDays - 1));
    const bool loyal = visits >= 6;
    for (int v = 0; v < visits; ++v) {
      Purchase purchase;
      purchase.client = c;
      // Visits spread from the first one towards today; loyal clients stay active.
      const double span = loyal ? 1.0 : unit(random);
      purchase.days_ago = std::max(0, first - static_cast<int>(span * v * first / visits));
      purchase.session = unit(random) < 0.7;
      purchase.fen = purchase.session
                         ? 30000 + static_cast<int64_t>(unit(random) * 30000)
                         : (loyal ? 150000 : 60000) + static_cast<int64_t>(unit(random) * 90000);
      purchases.push_back(purchase);
      ++(*counts)[static_cast<size_t>(c)];
    }
  }
  return purchases;
}

const char* TierName(sv1::Tier tier) {
  switch (tier) {
    case sv1::TIER_T1:
      return "T1";
    case sv1::TIER_T2:
      return "T2";
    case sv1::TIER_T3:
      return "T3";
    default:
      return "-";
  }
}

class ScoringDemo {
 public:
  ScoringDemo(std::map<std::string, std::string> flags)
      : profile_(pv1::ClientProfileService::NewStub(
            grpc::CreateChannel(flags["profile"], grpc::InsecureChannelCredentials()))),
        scoring_(sv1::ScoringService::NewStub(
            grpc::CreateChannel(flags["scoring"], grpc::InsecureChannelCredentials()))),
        api_key_(flags["api-key"]),
        admin_api_key_(flags["admin-api-key"]),
        clients_(flags["clients"].empty() ? 400 : std::stoi(flags["clients"])),
        seed_(flags["seed"].empty() ? 7 : std::stoull(flags["seed"])) {
    const auto now = std::chrono::system_clock::now();
    now_seconds_ = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    run_ = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  }

  int Run() {
    std::printf("scoring-demo run %s: %d clients, seed %llu\n", run_.c_str(), clients_,
                static_cast<unsigned long long>(seed_));
    if (!Step("import_clients", &ScoringDemo::ImportClients) ||
        !Step("record_purchases", &ScoringDemo::RecordPurchases) ||
        !Step("scores_from_events", &ScoringDemo::WaitForScores)) {
      return failures_;
    }
    Step("fit_clv_model", &ScoringDemo::FitModel);
    Step("batch_rescore", &ScoringDemo::BatchRescore);
    Step("tier_distribution", &ScoringDemo::Distribution);
    Step("explain_top_client", &ScoringDemo::ExplainTop);
    Step("tier_changes", &ScoringDemo::TierChanges);
    Step("tier_override", &ScoringDemo::Override);
    Step("invalid_config", &ScoringDemo::InvalidConfig);
    return failures_;
  }

 private:
  using StepFn = bool (ScoringDemo::*)(std::string*);

  bool Step(const char* name, StepFn step) {
    std::string detail;
    const bool ok = (this->*step)(&detail);
    std::printf("[%s] %-20s %s\n", ok ? " ok " : "FAIL", name, detail.c_str());
    std::fflush(stdout);
    failures_ += ok ? 0 : 1;
    return ok;
  }

  std::string ClientId(int index) const { return "sd-" + run_ + "-" + std::to_string(index); }

  bool ImportClients(std::string* detail) {
    auto context = CallContext(api_key_, kLongCallTimeout);
    pv1::ImportClientsResponse response;
    auto writer = profile_->ImportClients(context.get(), &response);
    pv1::ImportClientsRequest item;
    for (int i = 0; i < clients_; ++i) {
      item.mutable_client()->set_client_id(ClientId(i));
      item.mutable_client()->set_display_name("Demo client " + std::to_string(i));
      item.mutable_client()->mutable_acquisition()->set_channel(i % 3 == 0 ? "referral"
                                                                           : "search_ads");
      if (!writer->Write(item)) {
        break;
      }
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    *detail = status.ok() ? std::to_string(response.created_count()) + " clients created"
                          : Describe(status);
    return status.ok() && response.created_count() == clients_;
  }

  bool RecordPurchases(std::string* detail) {
    const std::vector<Purchase> purchases = GeneratePurchases(clients_, seed_, &counts_);
    pv1::RecordTransactionsRequest batch;
    int64_t total_fen = 0;
    for (size_t i = 0; i < purchases.size(); ++i) {
      const Purchase& purchase = purchases[i];
      auto* item = batch.add_transactions();
      item->set_idempotency_key("sd-" + run_ + "-tx-" + std::to_string(i));
      item->set_client_id(ClientId(purchase.client));
      item->set_kind(purchase.session ? pv1::TRANSACTION_KIND_SESSION
                                      : pv1::TRANSACTION_KIND_PURCHASE);
      *item->mutable_amount() = Cny(purchase.fen);
      item->set_category(purchase.session ? "counselling" : "course");
      item->mutable_occurred_at()->set_seconds(now_seconds_ - purchase.days_ago * kSecondsPerDay -
                                               3600);
      total_fen += purchase.fen;
      if (batch.transactions_size() == kBatchSize || i + 1 == purchases.size()) {
        pv1::RecordTransactionsResponse response;
        const grpc::Status status = profile_->RecordTransactions(
            CallContext(api_key_, kCallTimeout).get(), batch, &response);
        if (!status.ok()) {
          *detail = Describe(status);
          return false;
        }
        batch.Clear();
      }
    }
    *detail = std::to_string(purchases.size()) + " transactions, " + FormatMoney(Cny(total_fen)) +
              " in client-profile";
    return true;
  }

  // Scoring learns every purchase from the stream; the clients' lifetime counts must match.
  bool WaitForScores(std::string* detail) {
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + std::chrono::seconds(120);
    int matched = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      matched = 0;
      for (int i = 0; i < clients_; i += std::max(1, clients_ / 40)) {
        sv1::GetScoreRequest request;
        request.set_client_id(ClientId(i));
        sv1::Score score;
        if (scoring_->GetScore(CallContext(api_key_, kCallTimeout).get(), request, &score).ok() &&
            score.lifetime_purchases() == counts_[static_cast<size_t>(i)]) {
          ++matched;
        }
      }
      if (matched == (clients_ + std::max(1, clients_ / 40) - 1) / std::max(1, clients_ / 40)) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        *detail = "sampled clients' scores match their purchases (" + std::to_string(matched) +
                  " checked, " + std::to_string(static_cast<int>(seconds * 1000)) + " ms)";
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    *detail = "only " + std::to_string(matched) + " sampled scores caught up within 120 s";
    return false;
  }

  bool FitModel(std::string* detail) {
    sv1::ClvModel model;
    const grpc::Status status = scoring_->FitClvModel(CallContext(api_key_, kLongCallTimeout).get(),
                                                      sv1::FitClvModelRequest(), &model);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    std::string params;
    for (const auto* fit : {&model.bg_nbd(), &model.gamma_gamma()}) {
      for (const auto& parameter : fit->parameters()) {
        char text[64];
        std::snprintf(text, sizeof(text), "%s=%.3g ", parameter.name().c_str(), parameter.value());
        params += text;
      }
    }
    *detail = "model v" + std::to_string(model.version()) + " bg_nbd " + model.bg_nbd().status() +
              ", gamma_gamma " + model.gamma_gamma().status() + ": " + params;
    return model.version() > 0;
  }

  bool BatchRescore(std::string* detail) {
    auto context = CallContext(api_key_, kLongCallTimeout);
    auto reader = scoring_->BatchRescore(context.get(), sv1::BatchRescoreRequest());
    sv1::BatchRescoreProgress progress;
    sv1::BatchRescoreProgress last;
    while (reader->Read(&progress)) {
      last = progress;
    }
    const grpc::Status status = reader->Finish();
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    char text[160];
    std::snprintf(text, sizeof(text),
                  "%lld/%lld clients in %.2f s, %lld tier changes, population v%lld",
                  static_cast<long long>(last.scored()), static_cast<long long>(last.total()),
                  last.elapsed_seconds(), static_cast<long long>(last.tier_changes()),
                  static_cast<long long>(last.population_version()));
    *detail = text;
    return last.done() && last.scored() == last.total() && last.total() >= clients_;
  }

  bool Distribution(std::string* detail) {
    sv1::TierDistribution distribution;
    const grpc::Status status =
        scoring_->GetTierDistribution(CallContext(api_key_, kCallTimeout).get(),
                                      sv1::GetTierDistributionRequest(), &distribution);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    *detail = std::to_string(distribution.total_clients()) + " clients";
    for (const auto& tier : distribution.tiers()) {
      std::printf("       %s  %6lld clients  %16s  %5.1f%% of 12-month revenue\n",
                  TierName(tier.tier()), static_cast<long long>(tier.clients()),
                  FormatMoney(tier.revenue_12m()).c_str(), 100.0 * tier.revenue_share());
    }
    for (const auto& point : distribution.pareto()) {
      if (point.client_share() == 0.2) {
        std::printf("       top 20%% of clients bring %.1f%% of 12-month revenue\n",
                    100.0 * point.revenue_share());
      }
    }
    std::string quadrants;
    for (const auto& entry : distribution.quadrants()) {
      quadrants += entry.name() + "=" + std::to_string(entry.count()) + " ";
    }
    std::string funnel;
    for (const auto& entry : distribution.lifecycle_funnel()) {
      funnel += entry.name() + "=" + std::to_string(entry.count()) + " ";
    }
    std::printf("       quadrants: %s\n       lifecycle: %s\n", quadrants.c_str(), funnel.c_str());
    int64_t tiered = 0;
    for (const auto& tier : distribution.tiers()) {
      tiered += tier.clients();
    }
    return tiered == distribution.total_clients() && distribution.total_clients() >= clients_;
  }

  bool ExplainTop(std::string* detail) {
    // The highest score among this run's T1 clients (or T2 when there is no T1).
    std::string best;
    double best_score = -1;
    for (const sv1::Tier tier : {sv1::TIER_T1, sv1::TIER_T2}) {
      sv1::StreamScoresRequest request;
      request.add_tiers(tier);
      auto context = CallContext(api_key_, kCallTimeout);
      auto stream = scoring_->StreamScores(context.get(), request);
      sv1::Score score;
      while (stream->Read(&score)) {
        if (score.client_id().rfind("sd-" + run_, 0) == 0 && score.score() > best_score) {
          best_score = score.score();
          best = score.client_id();
        }
      }
      if (!stream->Finish().ok() || !best.empty()) {
        break;
      }
    }
    if (best.empty()) {
      *detail = "no T1 or T2 client to explain";
      return false;
    }
    sv1::ExplainScoreRequest request;
    request.set_client_id(best);
    sv1::ScoreExplanation explanation;
    const grpc::Status status =
        scoring_->ExplainScore(CallContext(api_key_, kCallTimeout).get(), request, &explanation);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    const sv1::Score& score = explanation.score();
    char text[200];
    std::snprintf(text, sizeof(text), "%s: score %.1f %s, RFM %s (%s), CLV %s, P(alive) %.2f",
                  best.c_str(), score.score(), TierName(score.tier()), score.rfm().cell().c_str(),
                  score.rfm().segment().c_str(), FormatMoney(score.clv().clv()).c_str(),
                  score.clv().p_alive());
    *detail = text;
    double points = 0;
    for (const auto& contribution : explanation.contributions()) {
      std::printf("       %-12s %5.1f x %.2f = %5.1f points\n", contribution.dimension().c_str(),
                  contribution.sub_score(), contribution.weight(), contribution.points());
      points += contribution.points();
    }
    for (int i = 0; i < std::min(4, explanation.thresholds_crossed_size()); ++i) {
      std::printf("       %s\n", explanation.thresholds_crossed(i).c_str());
    }
    std::printf("       tier: %s\n", explanation.tier_reason().c_str());
    return std::abs(points - score.score()) < 1e-6;
  }

  bool TierChanges(std::string* detail) {
    sv1::ListTierChangesRequest request;
    request.mutable_page()->set_page_size(1000);
    sv1::ListTierChangesResponse response;
    const grpc::Status status =
        scoring_->ListTierChanges(CallContext(api_key_, kCallTimeout).get(), request, &response);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    int up = 0;
    for (const auto& change : response.changes()) {
      up += change.to_tier() < change.from_tier() || change.from_tier() == sv1::TIER_UNSPECIFIED;
    }
    *detail = std::to_string(response.changes_size()) + " changes on the first page (" +
              std::to_string(up) + " into a higher tier)";
    return response.changes_size() > 0;
  }

  bool Override(std::string* detail) {
    sv1::SetTierOverrideRequest request;
    request.set_client_id(ClientId(0));
    auto* tier_override = request.mutable_override();
    tier_override->set_mode(sv1::TierOverride::MODE_FLOOR);
    tier_override->set_tier(sv1::TIER_T1);
    tier_override->set_reason("demo: founding member");
    tier_override->mutable_expires_at()->set_seconds(now_seconds_ + 30 * kSecondsPerDay);
    sv1::Score score;
    grpc::Status status =
        scoring_->SetTierOverride(CallContext(api_key_, kCallTimeout).get(), request, &score);
    if (status.error_code() != grpc::StatusCode::PERMISSION_DENIED) {
      *detail = "a writer key was not refused: " + Describe(status);
      return false;
    }
    status =
        scoring_->SetTierOverride(CallContext(admin_api_key_, kCallTimeout).get(), request, &score);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    *detail =
        ClientId(0) + " floored at " + TierName(score.tier()) + " (writer key refused, admin ok)";
    return score.tier() == sv1::TIER_T1 &&
           score.tier_override().reason() == tier_override->reason();
  }

  bool InvalidConfig(std::string* detail) {
    sv1::ScoringConfig config;
    grpc::Status status = scoring_->GetScoringConfig(CallContext(api_key_, kCallTimeout).get(),
                                                     sv1::GetScoringConfigRequest(), &config);
    if (!status.ok()) {
      *detail = Describe(status);
      return false;
    }
    sv1::PutScoringConfigRequest request;
    *request.mutable_config() = config;
    request.set_expected_version(config.version());
    request.mutable_config()->mutable_composite()->set_consumption_weight(0.7);
    sv1::ScoringConfig stored;
    status = scoring_->PutScoringConfig(CallContext(admin_api_key_, kCallTimeout).get(), request,
                                        &stored);
    *detail = "weights 0.7/0.25/0.15 refused: " + Describe(status);
    return status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
           status.error_message().find("config.composite") != std::string::npos;
  }

  std::unique_ptr<pv1::ClientProfileService::Stub> profile_;
  std::unique_ptr<sv1::ScoringService::Stub> scoring_;
  std::string api_key_;
  std::string admin_api_key_;
  int clients_;
  uint64_t seed_;
  int64_t now_seconds_ = 0;
  std::string run_;
  std::vector<int> counts_;
  int failures_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  if (!clienttier::tools::ParseFlags(
          argc, argv, {"profile", "scoring", "api-key", "admin-api-key"}, {"clients", "seed"},
          "scoring-demo --profile=HOST:PORT --scoring=HOST:PORT --api-key=WRITER "
          "--admin-api-key=ADMIN [--clients=400] [--seed=7]",
          &flags)) {
    return 2;
  }
  ScoringDemo demo(flags);
  const int failures = demo.Run();
  if (failures > 0) {
    std::printf("scoring-demo: %d step(s) did not behave as expected (see FAIL lines above)\n",
                failures);
    return 1;
  }
  std::printf("scoring-demo: every step behaved as expected\n");
  return 0;
}
