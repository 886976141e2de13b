#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "clienttier/campaign/v1/campaign_service.grpc.pb.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "tools/demo_tenant/tenant_generator.h"

namespace clienttier::demo {

struct DemoTargets {
  std::string profile;
  std::string scoring;
  std::string campaign;
  std::string referral;
  std::string writer_key;
  std::string admin_key;
};

// What the tour found, for the end-to-end test to check beyond each step's own verdict.
struct TourFacts {
  int64_t clients_created = 0;
  int64_t transactions_recorded = 0;
  int64_t referrals_registered = 0;
  int64_t referrals_converted = 0;
  // Issue 17: transactions recorded in the second currency (converted by the exchange rate the
  // tour puts) and the refund's amount, in fen.
  int64_t foreign_currency_transactions = 0;
  int64_t refunded_fen = 0;
  scoring::v1::TierDistribution distribution;
  scoring::v1::CohortReport cohorts;
  std::vector<scoring::v1::ScoreExplanation> explanations;
  campaign::v1::SegmentPreview preview;
  campaign::v1::Campaign launched;
  campaign::v1::CampaignReport report;
  std::vector<campaign::v1::NextBestAction> actions;
};

struct StepResult {
  std::string name;
  bool ok = false;
  std::vector<std::string> lines;  // what a person reads
  double seconds = 0;              // how long the step took, wall clock
};

// The demo tenant's whole story through the four services' public APIs: load the generated
// tenant (clients, referral codes and registrations, then its three years of transactions and
// logins), wait for scoring to score it from the stream, fit CLV, rescore every client, show
// the tier distribution with revenue share and three explained scores, referral's figures,
// sync campaign's members, preview and save a segment, simulate and launch a campaign, record
// outcomes, print its report and the next best action of three clients. Every step checks what
// the API documents; `on_step` sees each result as it completes (the tool prints it).
class DemoFlow {
 public:
  DemoFlow(DemoTargets targets, DemoTenantOptions options);

  std::vector<StepResult> Run(const std::function<void(const StepResult&)>& on_step);
  const TourFacts& facts() const { return facts_; }

 private:
  StepResult Load();
  // Issue 17: the USD rate before any USD transaction, one refund after the transactions.
  bool PutUsdRate(std::vector<std::string>* lines);
  bool RecordOneRefund(std::vector<std::string>* lines);
  // Sampled clients showing every transaction, and how many were sampled.
  std::pair<int, int> SampleShowingEveryTransaction(bool stored);
  StepResult WaitForScores();
  StepResult FitAndRescore();
  bool EvaluateHoldout(std::vector<std::string>* lines);
  StepResult Distribution();
  // Issue 17 part 7: the cohort table and LTV/CAC by channel (GetCohortReport).
  bool PrintCohorts(std::vector<std::string>* lines);
  StepResult Explain();
  StepResult Referrals();
  StepResult SegmentAndCampaign();
  StepResult Outcomes();
  StepResult Report();
  StepResult NextBestActions();

  DemoTargets targets_;
  DemoTenantOptions options_;
  DemoTenant tenant_;
  int64_t now_seconds_ = 0;
  TourFacts facts_;
  std::unique_ptr<profile::v1::ClientProfileService::Stub> profile_;
  std::unique_ptr<scoring::v1::ScoringService::Stub> scoring_;
  std::unique_ptr<campaign::v1::CampaignService::Stub> campaign_;
  std::unique_ptr<referral::v1::ReferralService::Stub> referral_;
};

}  // namespace clienttier::demo
