#include "tools/demo_tenant/demo_flow.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "common/hash/hash.h"
#include "tools/demo_support.h"
#include "tools/demo_tenant/readable_wording.h"

namespace clienttier::demo {

namespace {

namespace cv1 = ::clienttier::campaign::v1;
namespace pv1 = ::clienttier::profile::v1;
namespace rv1 = ::clienttier::referral::v1;
namespace sv1 = ::clienttier::scoring::v1;
using tools::CallContext;
using tools::Cny;
using tools::Describe;
using tools::FormatMoney;

constexpr std::chrono::seconds kCall{60};
constexpr std::chrono::seconds kLong{600};
constexpr size_t kBatch = 1000;
// Concurrent callers while loading: client-profile takes writes in parallel (one transaction
// per batch), so a large tenant loads in a fraction of the time one caller needs.
constexpr size_t kLoadWriters = 4;
// Callers of the RPCs that take one item (RecordOutcome): each call is one short
// transaction, mostly waiting on its commit, so several in flight share the commits.
constexpr size_t kCallers = 8;
constexpr int kRegistrationBatch = 500;
constexpr int64_t kSecondsPerDay = 86400;
// Issue 17: every 40th transaction is paid in US dollars, at 7.10 CNY per USD (one cent is
// 7.1 fen), the rate the tour puts before recording them.
constexpr size_t kUsdEvery = 40;
constexpr size_t kUsdOffset = 7;
constexpr int64_t kFenPerCentMicros = 7'100'000;

bool PaidInUsd(size_t transaction) { return transaction % kUsdEvery == kUsdOffset; }
constexpr char kSegmentRule[] = "tier in (\"T1\", \"T2\") and has_tag(\"mindfulness\")";

std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

// Runs body(i) for i in [0, count) on `workers` threads, each taking every workers-th i.
void ParallelFor(size_t workers, size_t count, const std::function<void(size_t)>& body) {
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (size_t i = w; i < count; i += workers) {
        body(i);
      }
    });
  }
  for (size_t i = 0; i < count; i += workers) {
    body(i);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
}

double SecondsSince(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::shared_ptr<grpc::Channel> Channel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

// A stable per-client draw in 0..99 (FNV-1a), so the demo's outcomes repeat run after run.
int Draw(const std::string& id) { return static_cast<int>(Fnv1a64(id) % 100); }

pv1::Client ToClient(const DemoClient& demo) {
  pv1::Client client;
  client.set_client_id(demo.client_id);
  client.set_display_name("Demo client " + demo.client_id);
  pv1::Demographics& demographics = *client.mutable_demographics();
  demographics.set_region(demo.region);
  demographics.set_city_tier(static_cast<pv1::CityTier>(demo.city_tier));
  demographics.set_age_band(static_cast<pv1::AgeBand>(demo.age_band));
  demographics.set_gender(static_cast<pv1::Gender>(demo.gender));
  demographics.set_income_band(static_cast<pv1::IncomeBand>(demo.income_band));
  demographics.set_occupation(demo.occupation);
  for (const auto& [channel, granted] :
       {std::pair{common::v1::CONTACT_CHANNEL_EMAIL, demo.email_consent},
        std::pair{common::v1::CONTACT_CHANNEL_SMS, demo.sms_consent}}) {
    pv1::Consent& consent = *client.add_consents();
    consent.set_channel(channel);
    consent.set_granted(granted);
  }
  for (const std::string& tag : demo.interests) {
    pv1::Tag& out = *client.add_tags();
    out.set_kind(pv1::TAG_KIND_INTEREST);
    out.set_value(tag);
  }
  for (const std::string& tag : demo.concerns) {
    pv1::Tag& out = *client.add_tags();
    out.set_kind(pv1::TAG_KIND_CONCERN);
    out.set_value(tag);
  }
  client.mutable_acquisition()->set_channel(demo.acquisition_channel);
  *client.mutable_acquisition()->mutable_cost() = Cny(demo.acquisition_cost_fen);
  // The day the client first came (before any transaction): lifecycle counts from it.
  client.mutable_acquisition()->mutable_acquired_at()->set_seconds(
      demo.created_day * kSecondsPerDay + 9 * 3600);
  return client;
}

}  // namespace

DemoFlow::DemoFlow(DemoTargets targets, DemoTenantOptions options)
    : targets_(std::move(targets)), options_(std::move(options)) {
  now_seconds_ = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  if (options_.today == 0) {
    options_.today = now_seconds_ / kSecondsPerDay;
  }
  profile_ = pv1::ClientProfileService::NewStub(Channel(targets_.profile));
  scoring_ = sv1::ScoringService::NewStub(Channel(targets_.scoring));
  campaign_ = cv1::CampaignService::NewStub(Channel(targets_.campaign));
  referral_ = rv1::ReferralService::NewStub(Channel(targets_.referral));
}

std::vector<StepResult> DemoFlow::Run(const std::function<void(const StepResult&)>& on_step) {
  std::vector<StepResult> results;
  using Step = StepResult (DemoFlow::*)();
  for (Step step : {&DemoFlow::Load, &DemoFlow::WaitForScores, &DemoFlow::FitAndRescore,
                    &DemoFlow::Distribution, &DemoFlow::Explain, &DemoFlow::Referrals,
                    &DemoFlow::SegmentAndCampaign, &DemoFlow::Outcomes, &DemoFlow::Report,
                    &DemoFlow::NextBestActions}) {
    const auto started = std::chrono::steady_clock::now();
    results.push_back((this->*step)());
    results.back().seconds = SecondsSince(started);
    on_step(results.back());
    // The first three build what the rest look at; without them the rest cannot say much.
    if (!results.back().ok && results.size() <= 3) {
      break;
    }
  }
  return results;
}

StepResult DemoFlow::Load() {
  StepResult result{"load_demo_tenant", false, {}};
  const auto started = std::chrono::steady_clock::now();
  tenant_ = GenerateTenant(options_);
  const double generate_seconds = SecondsSince(started);
  std::map<Pattern, int> patterns;
  for (const DemoClient& client : tenant_.clients) {
    ++patterns[client.pattern];
  }
  // Clients over parallel ImportClients streams, each a contiguous share of the tenant.
  std::atomic<int64_t> imported{0};
  std::atomic<int> import_failures{0};
  std::string import_error;
  std::mutex import_error_mutex;
  ParallelFor(kLoadWriters, kLoadWriters, [&](size_t part) {
    const size_t begin = tenant_.clients.size() * part / kLoadWriters;
    const size_t end = tenant_.clients.size() * (part + 1) / kLoadWriters;
    auto context = CallContext(targets_.writer_key, kLong);
    pv1::ImportClientsResponse response;
    auto writer = profile_->ImportClients(context.get(), &response);
    pv1::ImportClientsRequest item;
    for (size_t i = begin; i < end; ++i) {
      *item.mutable_client() = ToClient(tenant_.clients[i]);
      if (!writer->Write(item)) {
        break;
      }
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (!status.ok()) {
      ++import_failures;
      const std::lock_guard<std::mutex> lock(import_error_mutex);
      import_error = "import: " + Describe(status);
      return;
    }
    imported += response.created_count() + response.existing_count();
  });
  if (import_failures > 0) {
    result.lines.push_back(import_error);
    return result;
  }
  facts_.clients_created = imported;
  const double import_seconds = SecondsSince(started) - generate_seconds;
  const auto referrals_started = std::chrono::steady_clock::now();
  // Referral codes and registrations come before any purchase: a referee must not have paid.
  // IssueCodes for a batch of referrers at a time, from kLoadWriters callers.
  std::vector<int32_t> referrers;
  std::map<int32_t, size_t> referrer_index;
  for (const DemoReferral& referral : tenant_.referrals) {
    if (referrer_index.emplace(referral.referrer, referrers.size()).second) {
      referrers.push_back(referral.referrer);
    }
  }
  std::vector<std::string> codes(referrers.size());
  const size_t code_batches = (referrers.size() + kBatch - 1) / kBatch;
  ParallelFor(kLoadWriters, code_batches, [&](size_t b) {
    rv1::IssueCodesRequest request;
    const size_t first = b * kBatch;
    const size_t end = std::min(referrers.size(), first + kBatch);
    for (size_t r = first; r < end; ++r) {
      request.add_client_ids(tenant_.clients[static_cast<size_t>(referrers[r])].client_id);
    }
    rv1::IssueCodesResponse response;
    if (referral_->IssueCodes(CallContext(targets_.writer_key, kCall).get(), request, &response)
            .ok()) {
      for (size_t r = first; r < end; ++r) {
        codes[r] = response.codes(static_cast<int>(r - first)).code();
      }
    }
  });
  std::vector<rv1::RegisterReferralsRequest> registrations;
  for (size_t i = 0; i < tenant_.referrals.size(); ++i) {
    if (i % kRegistrationBatch == 0) {
      registrations.emplace_back();
    }
    const DemoReferral& referral = tenant_.referrals[i];
    rv1::RegisterReferralRequest& item = *registrations.back().add_referrals();
    item.set_code(codes[referrer_index[referral.referrer]]);
    item.set_referee_client_id(tenant_.clients[static_cast<size_t>(referral.referee)].client_id);
  }
  std::atomic<int64_t> registered{0};
  ParallelFor(kLoadWriters, registrations.size(), [&](size_t b) {
    rv1::RegisterReferralsResponse response;
    if (referral_
            ->RegisterReferrals(CallContext(targets_.writer_key, kCall).get(), registrations[b],
                                &response)
            .ok()) {
      for (const auto& item : response.results()) {
        registered += item.has_referral() ? 1 : 0;
      }
    }
  });
  facts_.referrals_registered = registered;
  const double referral_seconds = SecondsSince(referrals_started);

  // Three years of transactions, then logins, from kLoadWriters callers; a client's history in
  // one batch (HistoryBatches).
  if (!PutUsdRate(&result.lines)) {
    return result;
  }
  std::vector<pv1::RecordTransactionsRequest> batches;
  for (const std::vector<size_t>& batch : HistoryBatches(
           tenant_.transactions.size(), [&](size_t i) { return tenant_.transactions[i].client; },
           kBatch)) {
    batches.emplace_back();
    for (const size_t i : batch) {
      const DemoTransaction& demo = tenant_.transactions[i];
      pv1::TransactionInput& input = *batches.back().add_transactions();
      input.set_idempotency_key(options_.id_prefix + "-tx-" + std::to_string(i));
      input.set_client_id(tenant_.clients[static_cast<size_t>(demo.client)].client_id);
      input.set_kind(demo.session ? pv1::TRANSACTION_KIND_SESSION : pv1::TRANSACTION_KIND_PURCHASE);
      *input.mutable_amount() = Cny(demo.amount_fen);
      if (PaidInUsd(i)) {
        input.mutable_amount()->set_currency("USD");
        input.mutable_amount()->set_units((demo.amount_fen * 10 + 35) / 71);  // fen to cents
        ++facts_.foreign_currency_transactions;
      }
      input.set_category(demo.category);
      input.mutable_occurred_at()->set_seconds(demo.day * kSecondsPerDay + 10 * 3600);
    }
  }
  const auto transactions_started = std::chrono::steady_clock::now();
  std::atomic<int64_t> recorded{0};
  std::atomic<int> failed{0};
  ParallelFor(kLoadWriters, batches.size(), [&](size_t b) {
    pv1::RecordTransactionsResponse response;
    if (profile_
            ->RecordTransactions(CallContext(targets_.writer_key, kCall).get(), batches[b],
                                 &response)
            .ok()) {
      recorded += batches[b].transactions_size();
    } else {
      ++failed;
    }
  });
  facts_.transactions_recorded = recorded;
  const double transaction_seconds = SecondsSince(transactions_started);
  std::vector<pv1::RecordInteractionsRequest> login_batches;
  for (const std::vector<size_t>& batch : HistoryBatches(
           tenant_.logins.size(), [&](size_t i) { return tenant_.logins[i].client; }, kBatch)) {
    login_batches.emplace_back();
    for (const size_t i : batch) {
      pv1::InteractionInput& input = *login_batches.back().add_interactions();
      input.set_idempotency_key(options_.id_prefix + "-login-" + std::to_string(i));
      input.set_client_id(tenant_.clients[static_cast<size_t>(tenant_.logins[i].client)].client_id);
      input.set_kind(pv1::INTERACTION_KIND_LOGIN);
      input.mutable_occurred_at()->set_seconds(tenant_.logins[i].day * kSecondsPerDay + 20 * 3600);
    }
  }
  const auto logins_started = std::chrono::steady_clock::now();
  ParallelFor(kLoadWriters, login_batches.size(), [&](size_t b) {
    pv1::RecordInteractionsResponse response;
    if (!profile_
             ->RecordInteractions(CallContext(targets_.writer_key, kCall).get(), login_batches[b],
                                  &response)
             .ok()) {
      ++failed;
    }
  });
  const double login_seconds = SecondsSince(logins_started);
  const bool refunded = RecordOneRefund(&result.lines);
  const double seconds = SecondsSince(started);
  result.lines.push_back(Format(
      "%lld clients (%d prospects, %d one-visit, %d short-term, %d regular, %d loyal), seed %llu",
      static_cast<long long>(facts_.clients_created), patterns[Pattern::kProspect],
      patterns[Pattern::kOneVisit], patterns[Pattern::kShortTerm], patterns[Pattern::kRegular],
      patterns[Pattern::kLoyal], static_cast<unsigned long long>(options_.seed)));
  result.lines.push_back(Format(
      "%lld transactions over %d years, %zu logins, %zu referral codes, %lld referrals "
      "registered; loaded in %.1f s (clients %.1f s, transactions %.1f s, %zu callers)",
      static_cast<long long>(facts_.transactions_recorded), options_.years, tenant_.logins.size(),
      referrers.size(), static_cast<long long>(facts_.referrals_registered), seconds,
      import_seconds, transaction_seconds, kLoadWriters));
  // Each part's wall clock, for bench/demo-1m (which reads this line) and whoever tunes the load.
  result.lines.push_back(Format(
      "load parts: generation %.1f s, clients %.1f s, referrals %.1f s, transactions "
      "%.1f s, logins %.1f s",
      generate_seconds, import_seconds, referral_seconds, transaction_seconds, login_seconds));
  result.lines.push_back(
      "every client imported with acquired_at (the day they first came): lifecycle and cohorts "
      "count from it");
  result.ok = refunded && failed == 0 && facts_.clients_created == options_.clients &&
              facts_.transactions_recorded == static_cast<int64_t>(tenant_.transactions.size()) &&
              facts_.referrals_registered == static_cast<int64_t>(tenant_.referrals.size());
  return result;
}

bool DemoFlow::PutUsdRate(std::vector<std::string>* lines) {
  // From the first day of the history, as that day's midnight UTC.
  const int64_t first_day =
      tenant_.transactions.empty() ? options_.today : tenant_.transactions.front().day;
  sv1::PutExchangeRateRequest request;
  request.mutable_rate()->set_currency("USD");
  request.mutable_rate()->mutable_effective_from()->set_seconds(first_day * kSecondsPerDay);
  request.mutable_rate()->set_reporting_minor_per_minor_micros(kFenPerCentMicros);
  sv1::ExchangeRate rate;
  const grpc::Status status =
      scoring_->PutExchangeRate(CallContext(targets_.admin_key, kCall).get(), request, &rate);
  if (!status.ok()) {
    lines->push_back("PutExchangeRate: " + Describe(status));
    return false;
  }
  size_t usd = 0;
  for (size_t i = 0; i < tenant_.transactions.size(); ++i) {
    usd += PaidInUsd(i) ? 1 : 0;
  }
  lines->push_back(
      Format("second currency: %zu transactions paid in USD, converted into %s at "
             "7.10 per USD (PutExchangeRate, in effect from the history's first day)",
             usd, rate.reporting_currency().c_str()));
  return true;
}

bool DemoFlow::RecordOneRefund(std::vector<std::string>* lines) {
  // Half of the first course, workshop or assessment paid in CNY, the day after.
  for (size_t i = 0; i < tenant_.transactions.size(); ++i) {
    const DemoTransaction& demo = tenant_.transactions[i];
    if (demo.session || PaidInUsd(i) || demo.amount_fen < 2 || demo.day + 1 >= options_.today) {
      continue;
    }
    pv1::RecordTransactionRequest request;
    pv1::TransactionInput& input = *request.mutable_transaction();
    input.set_idempotency_key(options_.id_prefix + "-refund-0");
    input.set_client_id(tenant_.clients[static_cast<size_t>(demo.client)].client_id);
    input.set_kind(pv1::TRANSACTION_KIND_REFUND);
    input.set_refunded_idempotency_key(options_.id_prefix + "-tx-" + std::to_string(i));
    *input.mutable_amount() = Cny(demo.amount_fen / 2);
    input.set_category(demo.category);
    input.mutable_occurred_at()->set_seconds((demo.day + 1) * kSecondsPerDay + 10 * 3600);
    pv1::RecordTransactionResponse response;
    const grpc::Status status = profile_->RecordTransaction(
        CallContext(targets_.writer_key, kCall).get(), request, &response);
    if (!status.ok()) {
      lines->push_back("refund: " + Describe(status));
      return false;
    }
    facts_.refunded_fen = demo.amount_fen / 2;
    lines->push_back(Format("one refund: %s of %s's %s %s (%s), net in every spend figure",
                            FormatMoney(input.amount()).c_str(), input.client_id().c_str(),
                            demo.category.c_str(), FormatMoney(Cny(demo.amount_fen)).c_str(),
                            input.refunded_idempotency_key().c_str()));
    return true;
  }
  lines->push_back("refund: no course or workshop to refund");
  return false;
}

// Clients sampled across the tenant (every fiftieth; the last clients' transactions are the
// newest in the stream) and how many show every transaction: in their stored score (GetScore),
// or in a score computed now from scoring's data (ExplainScore: the events were applied, the
// score may still be queued for its rescore).
std::pair<int, int> DemoFlow::SampleShowingEveryTransaction(bool stored) {
  std::vector<int64_t> purchases(tenant_.clients.size(), 0);
  for (const DemoTransaction& transaction : tenant_.transactions) {
    ++purchases[static_cast<size_t>(transaction.client)];
  }
  const size_t step = std::max<size_t>(1, tenant_.clients.size() / 50);
  int matched = 0;
  int sampled = 0;
  for (size_t i = 0; i < tenant_.clients.size(); i += step) {
    ++sampled;
    const std::string& client_id = tenant_.clients[i].client_id;
    sv1::Score score;
    grpc::Status status;
    if (stored) {
      sv1::GetScoreRequest request;
      request.set_client_id(client_id);
      status = scoring_->GetScore(CallContext(targets_.writer_key, kCall).get(), request, &score);
    } else {
      sv1::ExplainScoreRequest request;
      request.set_client_id(client_id);
      sv1::ScoreExplanation explanation;
      status = scoring_->ExplainScore(CallContext(targets_.writer_key, kCall).get(), request,
                                      &explanation);
      score = explanation.score();
    }
    if (status.ok() && score.lifetime_purchases() == purchases[i]) {
      ++matched;
    }
  }
  return {matched, sampled};
}

StepResult DemoFlow::WaitForScores() {
  StepResult result{"scores_from_events", false, {}};
  const auto started = std::chrono::steady_clock::now();
  // Long enough for a million-client tenant's stream, in proportion to its transactions: on 2
  // cores scoring applied the 1M tenant's ~8.5M events in ~1,000 s after its 836 s load, so a
  // second per 2,000 transactions (3,600 s at 1M) leaves room; 1,000 s by clients cut it off
  // (bench/demo-1m, 2026-12-06). A stuck consumer still fails the step, later.
  const auto patience = std::chrono::seconds(
      std::max<int64_t>(300, static_cast<int64_t>(tenant_.transactions.size() / 2000)));
  // The events applied, not every score rewritten: clients a consumer queued for their rescore
  // while it was behind are rescored by the BatchRescore of the next step, which takes them
  // over, instead of twice (services/scoring/README.md "Rescoring under a backlog").
  std::pair<int, int> sample;
  while (std::chrono::steady_clock::now() - started < patience) {
    sample = SampleShowingEveryTransaction(/*stored=*/false);
    if (sample.first == sample.second) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  result.ok = sample.first == sample.second;
  result.lines.push_back(
      Format("scoring applied the stream: %d of %d sampled clients show every transaction (%.1f s)",
             sample.first, sample.second,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
  return result;
}

StepResult DemoFlow::FitAndRescore() {
  StepResult result{"fit_clv_and_rescore", false, {}};
  const auto started = std::chrono::steady_clock::now();
  sv1::ClvModel model;
  grpc::Status status = scoring_->FitClvModel(CallContext(targets_.admin_key, kLong).get(),
                                              sv1::FitClvModelRequest(), &model);
  if (!status.ok()) {
    result.lines.push_back("FitClvModel: " + Describe(status));
    return result;
  }
  std::string parameters;
  for (const auto& parameter : model.bg_nbd().parameters()) {
    parameters += Format(" %s=%.3g", parameter.name().c_str(), parameter.value());
  }
  result.lines.push_back(Format("CLV model v%lld fitted (%s) in %.1f s; BG/NBD%s",
                                static_cast<long long>(model.version()),
                                model.usable() ? "used" : "not usable: heuristic",
                                SecondsSince(started), parameters.c_str()));
  const auto evaluation_started = std::chrono::steady_clock::now();
  if (!EvaluateHoldout(&result.lines)) {
    return result;
  }
  result.lines.push_back(
      Format("  (holdout validation in %.1f s)", SecondsSince(evaluation_started)));
  auto context = CallContext(targets_.admin_key, kLong);
  sv1::BatchRescoreRequest request;
  request.set_refresh_population(true);
  auto reader = scoring_->BatchRescore(context.get(), request);
  sv1::BatchRescoreProgress progress;
  sv1::BatchRescoreProgress last;
  while (reader->Read(&progress)) {
    last = progress;
  }
  status = reader->Finish();
  result.lines.push_back(
      Format("BatchRescore: %lld of %lld clients in %.2f s, %lld tier changes %s",
             static_cast<long long>(last.scored()), static_cast<long long>(last.total()),
             last.elapsed_seconds(), static_cast<long long>(last.tier_changes()),
             status.ok() ? "" : Describe(status).c_str()));
  const std::pair<int, int> stored = SampleShowingEveryTransaction(/*stored=*/true);
  result.lines.push_back(Format("stored scores: %d of %d sampled clients show every transaction",
                                stored.first, stored.second));
  result.ok =
      status.ok() && last.done() && last.scored() == last.total() && stored.first == stored.second;
  return result;
}

// The holdout validation (issue 17 part 3): the model fitted as of 180 days ago against what
// the clients did since, as the table by calibration frequency. False when the RPC failed.
bool DemoFlow::EvaluateHoldout(std::vector<std::string>* lines) {
  constexpr int64_t kHoldoutDays = 180;
  sv1::EvaluateClvModelRequest request;
  request.mutable_calibration_end()->set_seconds((options_.today - kHoldoutDays) * kSecondsPerDay);
  request.mutable_holdout_end()->set_seconds(options_.today * kSecondsPerDay);
  sv1::ClvModelEvaluation evaluation;
  const grpc::Status status = scoring_->EvaluateClvModel(
      CallContext(targets_.admin_key, kLong).get(), request, &evaluation);
  if (!status.ok()) {
    lines->push_back("EvaluateClvModel: " + Describe(status));
    return false;
  }
  lines->push_back(Format(
      "holdout validation (fit as of %lld days ago, BG/NBD %s): %lld clients, %lld purchase days "
      "in the holdout, %.1f predicted, MAE %.3f per client",
      static_cast<long long>(kHoldoutDays), evaluation.bg_nbd().status().c_str(),
      static_cast<long long>(evaluation.clients()),
      static_cast<long long>(evaluation.actual_holdout_purchases()),
      evaluation.predicted_holdout_purchases(), evaluation.mean_absolute_error()));
  if (evaluation.purchases_by_frequency_size() > 0) {
    lines->push_back("  calibration x   clients   mean actual   mean predicted");
  }
  for (const auto& row : evaluation.purchases_by_frequency()) {
    lines->push_back(
        Format("  %13s %9lld %13.3f %16.3f",
               (std::to_string(row.calibration_frequency()) + (row.and_more() ? "+" : "")).c_str(),
               static_cast<long long>(row.clients()), row.mean_actual_purchases(),
               row.mean_predicted_purchases()));
  }
  return true;
}

StepResult DemoFlow::Distribution() {
  StepResult result{"tier_distribution", false, {}};
  const grpc::Status status =
      scoring_->GetTierDistribution(CallContext(targets_.writer_key, kCall).get(),
                                    sv1::GetTierDistributionRequest(), &facts_.distribution);
  const auto& distribution = facts_.distribution;
  double shares = 0;
  for (const sv1::TierBucket& bucket : distribution.tiers()) {
    result.lines.push_back(Format(
        "%-13s %6lld clients (%6s)  revenue 12m %16s  (%6s of revenue)",
        TierWords(bucket.tier()).c_str(), static_cast<long long>(bucket.clients()),
        PercentText(static_cast<double>(bucket.clients()) /
                    static_cast<double>(std::max<int64_t>(1, distribution.total_clients())))
            .c_str(),
        FormatMoney(bucket.revenue_12m()).c_str(), PercentText(bucket.revenue_share()).c_str()));
    shares += bucket.revenue_share();
  }
  std::string funnel;
  for (const auto& stage : distribution.lifecycle_funnel()) {
    funnel += (funnel.empty() ? " " : ", ") + LifecycleWords(stage.name()) + " " +
              std::to_string(stage.count());
  }
  result.lines.push_back("lifecycle stages:" + funnel);
  const bool cohorts = PrintCohorts(&result.lines);
  result.ok = cohorts && status.ok() && distribution.total_clients() == facts_.clients_created &&
              distribution.tiers_size() > 0 && std::abs(shares - 1.0) < 0.01;
  return result;
}

// The latest acquisition cohorts' retention a few months on and their revenue per client so
// far, then what each channel's clients cost and are worth. False when the RPC failed.
bool DemoFlow::PrintCohorts(std::vector<std::string>* lines) {
  constexpr int kCohorts = 15;
  const grpc::Status status =
      scoring_->GetCohortReport(CallContext(targets_.writer_key, kCall).get(),
                                sv1::GetCohortReportRequest(), &facts_.cohorts);
  if (!status.ok()) {
    lines->push_back("GetCohortReport: " + Describe(status));
    return false;
  }
  const sv1::CohortReport& report = facts_.cohorts;
  lines->push_back(
      Format("cohorts by acquisition month (GetCohortReport, %lld clients): %% who paid in month N "
             "after, and revenue per client so far",
             static_cast<long long>(report.clients())));
  lines->push_back(
      "  acquired  clients      m0      m1      m2      m3      m6     m12   per client");
  for (int r = std::max(0, report.cohorts_size() - kCohorts); r < report.cohorts_size(); ++r) {
    const sv1::CohortRow& row = report.cohorts(r);
    std::string line = Format("  %-8s %8lld", row.acquisition_month().c_str(),
                              static_cast<long long>(row.clients()));
    for (const int month : {0, 1, 2, 3, 6, 12}) {
      line += month < row.cells_size() ? Format(" %6.1f%%", row.cells(month).retention_percent())
                                       : std::string("       -");
    }
    if (row.cells_size() > 0) {
      sv1::CohortCell last = row.cells(row.cells_size() - 1);
      const auto per_client =
          static_cast<int64_t>(std::llround(last.cumulative_revenue_per_client_minor()));
      line += "   " + FormatMoney(Cny(per_client));
    }
    lines->push_back(line);
  }
  lines->push_back(
      "  channel          clients   acquisition cost        revenue to date      "
      "CLV (model)   LTV/CAC");
  for (const sv1::ChannelEconomics& channel : report.channels()) {
    lines->push_back(Format("  %-16s %7lld %18s %18s %16s ",
                            channel.channel().empty() ? "(none)" : channel.channel().c_str(),
                            static_cast<long long>(channel.clients()),
                            FormatMoney(channel.acquisition_cost()).c_str(),
                            FormatMoney(channel.revenue_to_date()).c_str(),
                            FormatMoney(channel.clv()).c_str()) +
                     RightAligned(LtvCacText(channel), 9));
  }
  return true;
}

StepResult DemoFlow::Explain() {
  StepResult result{"explained_scores", false, {}};
  // The first T1, the first T2, and the first dormant client.
  std::vector<std::string> picks;
  for (const auto& [tier, lifecycle] :
       {std::pair{sv1::TIER_T1, sv1::LIFECYCLE_STAGE_UNSPECIFIED},
        std::pair{sv1::TIER_T2, sv1::LIFECYCLE_STAGE_UNSPECIFIED},
        std::pair{sv1::TIER_UNSPECIFIED, sv1::LIFECYCLE_STAGE_DORMANT}}) {
    auto context = CallContext(targets_.writer_key, kCall);
    sv1::StreamScoresRequest request;
    if (tier != sv1::TIER_UNSPECIFIED) {
      request.add_tiers(tier);
    }
    if (lifecycle != sv1::LIFECYCLE_STAGE_UNSPECIFIED) {
      request.add_lifecycles(lifecycle);
    }
    auto reader = scoring_->StreamScores(context.get(), request);
    sv1::Score score;
    if (reader->Read(&score)) {
      picks.push_back(score.client_id());
    }
    context->TryCancel();
    reader->Finish();
  }
  // The thresholds in force, so "why this tier" can name them.
  sv1::ScoringConfig config;
  (void)scoring_->GetScoringConfig(CallContext(targets_.writer_key, kCall).get(),
                                   sv1::GetScoringConfigRequest(), &config);
  for (const std::string& client_id : picks) {
    sv1::ExplainScoreRequest request;
    request.set_client_id(client_id);
    sv1::ScoreExplanation explanation;
    if (!scoring_
             ->ExplainScore(CallContext(targets_.writer_key, kCall).get(), request, &explanation)
             .ok()) {
      continue;
    }
    const sv1::Score& score = explanation.score();
    result.lines.push_back(Format(
        "%s: %s, score %.1f of 100, %s; CLV %s, chance still active %s", client_id.c_str(),
        TierWords(score.tier()).c_str(), score.score(), LifecycleWords(score.lifecycle()).c_str(),
        FormatMoney(score.clv().clv()).c_str(), PercentText(score.clv().p_alive()).c_str()));
    std::vector<sv1::Contribution> contributions(explanation.contributions().begin(),
                                                 explanation.contributions().end());
    std::sort(contributions.begin(), contributions.end(),
              [](const auto& a, const auto& b) { return a.points() > b.points(); });
    for (size_t i = 0; i < std::min<size_t>(3, contributions.size()); ++i) {
      result.lines.push_back(Format("    %-13s %5.1f points (its own score %.1f x weight %s)",
                                    DimensionWords(contributions[i].dimension()).c_str(),
                                    contributions[i].points(), contributions[i].sub_score(),
                                    PercentText(contributions[i].weight()).c_str()));
    }
    result.lines.push_back("    why this tier: " + TierWhy(score, config.tiers()));
    facts_.explanations.push_back(explanation);
  }
  result.ok = facts_.explanations.size() == 3;
  return result;
}

StepResult DemoFlow::Referrals() {
  StepResult result{"referrals", false, {}};
  rv1::ReferralStats stats;
  const grpc::Status status = referral_->GetReferralStats(
      CallContext(targets_.writer_key, kCall).get(), rv1::GetReferralStatsRequest(), &stats);
  facts_.referrals_converted = stats.converted();
  result.lines.push_back(
      Format("%lld registered, %lld converted (%.0f%%), referred revenue %s, k-factor %.3f",
             static_cast<long long>(stats.registered()), static_cast<long long>(stats.converted()),
             100.0 * stats.conversion_rate(), FormatMoney(stats.referred_revenue()).c_str(),
             stats.k_factor()));
  rv1::LeaderboardRequest request;
  request.set_limit(3);
  rv1::LeaderboardResponse board;
  if (referral_->Leaderboard(CallContext(targets_.writer_key, kCall).get(), request, &board).ok()) {
    for (const auto& entry : board.entries()) {
      result.lines.push_back(Format("    #%d %s: %lld converted, %s referred", entry.rank(),
                                    entry.client_id().c_str(),
                                    static_cast<long long>(entry.converted()),
                                    FormatMoney(entry.referred_revenue()).c_str()));
    }
  }
  result.ok =
      status.ok() && stats.registered() == facts_.referrals_registered && stats.converted() > 0;
  return result;
}

StepResult DemoFlow::SegmentAndCampaign() {
  StepResult result{"segment_and_campaign", false, {}};
  auto started = std::chrono::steady_clock::now();
  cv1::SyncMembersResponse synced;
  grpc::Status status = campaign_->SyncMembers(CallContext(targets_.admin_key, kLong).get(),
                                               cv1::SyncMembersRequest(), &synced);
  if (!status.ok()) {
    result.lines.push_back("SyncMembers: " + Describe(status));
    return result;
  }
  result.lines.push_back(Format("SyncMembers: %lld scores and %lld clients copied in %.1f s",
                                static_cast<long long>(synced.scores()),
                                static_cast<long long>(synced.clients()), SecondsSince(started)));
  started = std::chrono::steady_clock::now();
  cv1::PreviewSegmentRequest preview;
  preview.set_rule(kSegmentRule);
  preview.set_sample_size(3);
  status = campaign_->PreviewSegment(CallContext(targets_.writer_key, kCall).get(), preview,
                                     &facts_.preview);
  std::string tiers;
  for (const auto& tier : facts_.preview.tiers()) {
    tiers +=
        (tiers.empty() ? "" : ", ") + TierWords(tier.tier()) + " " + std::to_string(tier.members());
  }
  result.lines.push_back(
      Format("segment %s (previewed in %.1f s): %lld of %lld members (%s), "
             "revenue 12m %s",
             kSegmentRule, SecondsSince(started), static_cast<long long>(facts_.preview.members()),
             static_cast<long long>(facts_.preview.population()), tiers.c_str(),
             FormatMoney(facts_.preview.revenue_12m()).c_str()));
  cv1::CreateSegmentRequest segment;
  segment.mutable_segment()->set_segment_id("mindful-top");
  segment.mutable_segment()->set_name("Top-tier clients interested in mindfulness");
  segment.mutable_segment()->set_rule(kSegmentRule);
  cv1::Segment saved;
  campaign_->CreateSegment(CallContext(targets_.writer_key, kCall).get(), segment, &saved);
  cv1::CreateCampaignRequest create;
  cv1::Campaign& campaign = *create.mutable_campaign();
  campaign.set_campaign_id("retreat-2026");
  campaign.set_name("Spring mindfulness retreat");
  campaign.set_segment_id("mindful-top");
  campaign.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
  campaign.mutable_offer()->set_text("A weekend retreat, 20% off for members");
  *campaign.mutable_offer()->mutable_value() = Cny(30000);
  campaign.mutable_schedule()->mutable_start_at()->set_seconds(now_seconds_ - 60);
  campaign.set_holdout_bp(1000);
  cv1::Campaign created;
  campaign_->CreateCampaign(CallContext(targets_.writer_key, kCall).get(), create, &created);
  cv1::SimulateCampaignRequest simulate;
  simulate.set_campaign_id("retreat-2026");
  cv1::AudienceSummary simulated;
  campaign_->SimulateCampaign(CallContext(targets_.writer_key, kCall).get(), simulate, &simulated);
  cv1::LaunchCampaignRequest launch;
  launch.set_campaign_id("retreat-2026");
  started = std::chrono::steady_clock::now();
  status = campaign_->LaunchCampaign(CallContext(targets_.writer_key, kLong).get(), launch,
                                     &facts_.launched);
  const auto& audience = facts_.launched.audience();
  result.lines.push_back(
      Format("campaign retreat-2026 (email, 10%% holdout) launched in %.1f s: %lld treatment, %lld "
             "holdout, %lld without email consent, %lld capped",
             SecondsSince(started), static_cast<long long>(audience.treatment()),
             static_cast<long long>(audience.holdout()),
             static_cast<long long>(audience.excluded_no_consent()),
             static_cast<long long>(audience.excluded_frequency_cap())));
  result.ok = status.ok() && saved.rule() == kSegmentRule && facts_.preview.members() > 0 &&
              audience.treatment() == simulated.treatment() &&
              audience.holdout() == simulated.holdout() &&
              audience.candidates() == facts_.preview.members();
  return result;
}

StepResult DemoFlow::Outcomes() {
  StepResult result{"record_outcomes", false, {}};
  // Every member of the segment: a contact outcome tells its group; about 16% of the treatment
  // and 8% of the holdout then book the retreat (a stable draw per client).
  auto context = CallContext(targets_.writer_key, kLong);
  cv1::StreamSegmentMembersRequest request;
  request.set_segment_id("mindful-top");
  auto reader = campaign_->StreamSegmentMembers(context.get(), request);
  std::vector<std::string> members;
  cv1::SegmentMembersChunk chunk;
  while (reader->Read(&chunk)) {
    for (const auto& member : chunk.members()) {
      members.push_back(member.client_id());
    }
  }
  reader->Finish();
  // The contacts, then the bookings, as a campaign tool imports them: RecordOutcomes batches of
  // kOutcomesPerCall, from kCallers callers. A member outside the audience (no consent) is
  // refused in its result, the rest of its batch recorded.
  constexpr size_t kOutcomesPerCall = 1000;
  std::atomic<int64_t> bookings{0};
  std::atomic<int64_t> not_in_audience{0};
  const size_t batches = (members.size() + kOutcomesPerCall - 1) / kOutcomesPerCall;
  std::atomic<bool> failed{false};
  ParallelFor(kCallers, batches, [&](size_t b) {
    const size_t begin = b * kOutcomesPerCall;
    const size_t end = std::min(members.size(), begin + kOutcomesPerCall);
    cv1::RecordOutcomesRequest contacts;
    for (size_t m = begin; m < end; ++m) {
      cv1::RecordOutcomeRequest& outcome = *contacts.add_outcomes();
      outcome.set_campaign_id("retreat-2026");
      outcome.set_client_id(members[m]);
      outcome.set_idempotency_key("contact-" + members[m]);
    }
    cv1::RecordOutcomesResponse contacted;
    if (!campaign_
             ->RecordOutcomes(CallContext(targets_.writer_key, kCall).get(), contacts, &contacted)
             .ok()) {
      failed = true;
      return;
    }
    // About 16% of the treatment and 8% of the holdout then book the retreat (a stable draw
    // per client).
    cv1::RecordOutcomesRequest booked;
    for (int i = 0; i < contacted.results_size(); ++i) {
      const cv1::OutcomeResult& contact = contacted.results(i);
      const std::string& client_id = contacts.outcomes(i).client_id();
      if (contact.status_code() != 0) {
        ++not_in_audience;
        continue;
      }
      const bool holdout = contact.recorded().group() == cv1::AUDIENCE_GROUP_HOLDOUT;
      if (Draw(client_id) >= (holdout ? 8 : 16)) {
        continue;
      }
      cv1::RecordOutcomeRequest& outcome = *booked.add_outcomes();
      outcome.set_campaign_id("retreat-2026");
      outcome.set_client_id(client_id);
      outcome.set_idempotency_key("booking-" + client_id);
      outcome.set_converted(true);
      *outcome.mutable_revenue() = Cny(24000);
    }
    if (booked.outcomes().empty()) {
      return;
    }
    cv1::RecordOutcomesResponse recorded;
    if (!campaign_->RecordOutcomes(CallContext(targets_.writer_key, kCall).get(), booked, &recorded)
             .ok()) {
      failed = true;
      return;
    }
    for (const cv1::OutcomeResult& booking : recorded.results()) {
      bookings += booking.status_code() == 0 ? 1 : 0;
    }
  });
  result.lines.push_back(
      Format("%lld bookings recorded over %zu segment members (%lld not in "
             "the audience: no consent)",
             static_cast<long long>(bookings.load()), members.size(),
             static_cast<long long>(not_in_audience.load())));
  result.ok = !failed && not_in_audience == facts_.launched.audience().excluded_no_consent() &&
              bookings > 0;
  return result;
}

StepResult DemoFlow::Report() {
  StepResult result{"campaign_report", false, {}};
  cv1::GetCampaignReportRequest request;
  request.set_campaign_id("retreat-2026");
  const grpc::Status status = campaign_->GetCampaignReport(
      CallContext(targets_.writer_key, kCall).get(), request, &facts_.report);
  const auto& report = facts_.report;
  result.lines.push_back(
      Format("treatment %lld/%lld converted (%.1f%%), holdout %lld/%lld (%.1f%%)",
             static_cast<long long>(report.treatment().conversions()),
             static_cast<long long>(report.treatment().members()),
             100.0 * report.treatment().conversion_rate(),
             static_cast<long long>(report.holdout().conversions()),
             static_cast<long long>(report.holdout().members()),
             100.0 * report.holdout().conversion_rate()));
  result.lines.push_back(
      Format("uplift %+.1f percentage points (95%% interval %+.1f to %+.1f); extra revenue %s; %s",
             report.absolute_uplift_pp(), report.uplift_low_pp(), report.uplift_high_pp(),
             FormatMoney(report.incremental_revenue()).c_str(),
             report.enough_data() ? "enough data" : report.data_note().c_str()));
  result.ok = status.ok() &&
              report.treatment().members() == facts_.launched.audience().treatment() &&
              report.holdout().members() == facts_.launched.audience().holdout() &&
              report.uplift_low_pp() <= report.absolute_uplift_pp() &&
              report.absolute_uplift_pp() <= report.uplift_high_pp();
  return result;
}

StepResult DemoFlow::NextBestActions() {
  StepResult result{"next_best_actions", false, {}};
  for (const auto& explanation : facts_.explanations) {
    cv1::GetNextBestActionRequest request;
    request.set_client_id(explanation.score().client_id());
    cv1::NextBestAction action;
    if (!campaign_
             ->GetNextBestAction(CallContext(targets_.writer_key, kCall).get(), request, &action)
             .ok()) {
      continue;
    }
    // The evidence as the console words it: the tier, the churn reason with P(alive) as a
    // percentage, other facts as "name: value".
    std::map<std::string, std::string> facts;
    for (const auto& item : action.evidence()) {
      facts[item.key()] = item.value();
    }
    std::string evidence;
    const auto add = [&evidence](const std::string& words) {
      evidence += (evidence.empty() ? "" : "; ") + words;
    };
    for (const auto& [key, value] : facts) {
      if (key == "tier") {
        add(TierWords(value));
      } else if (key == "churn_reason") {
        add(ChurnReasonWords(value, facts.count("p_alive") ? std::stod(facts["p_alive"]) : 0.0));
      } else if (key != "p_alive") {
        add(ActionWords(key) + ": " + value);
      }
    }
    result.lines.push_back(action.client_id() + ": " + ActionWords(action.action()) + " - " +
                           ActionReasonWords(action.reason()));
    result.lines.push_back("    because: " + evidence);
    facts_.actions.push_back(action);
  }
  result.ok = facts_.actions.size() == facts_.explanations.size() && !facts_.actions.empty();
  return result;
}

}  // namespace clienttier::demo
