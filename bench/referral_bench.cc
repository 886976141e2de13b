// referral-bench: referrals end to end on the local stack. Referees sign up in client-profile
// (set-up, untimed); then, timed, referrers' codes register them with referral in batches
// (RegisterReferrals), their first purchases are recorded in client-profile
// (RecordTransactions), and the clock stops when referral has converted every referral from
// ct:events:profile. Prints referrals per second (target >= 5,000), and separately the rate of
// the one-at-a-time path (RegisterReferral + ConvertReferral per referral) for comparison.
//
//   referral-bench --profile=HOST:PORT --referral=HOST:PORT --api-key=WRITER
//                  --admin-api-key=ADMIN [--referrals=50000] [--referrers=1000] [--batch=500]
//                  [--single=2000] [--registrars=2] [--buyers=2]
//
// --buyers=0 measures registration alone (the run then waits for conversions that never come:
// read the "sent after" line and interrupt it).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/support/unary_load.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"

namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace rv1 = ::clienttier::referral::v1;
using clienttier::bench::Figure;
using clienttier::bench::Fixed;
using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> Flags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    }
  }
  return flags;
}

int IntFlag(std::map<std::string, std::string>& flags, const std::string& name, int fallback) {
  return flags.count(name) ? std::stoi(flags[name]) : fallback;
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& key, int seconds = 60) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", key);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A chunk of referees registered and waiting for their purchases.
class ChunkQueue {
 public:
  void Push(std::vector<std::string> chunk) {
    std::lock_guard<std::mutex> lock(mutex_);
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  bool Pop(std::vector<std::string>* chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !chunks_.empty(); });
    if (chunks_.empty()) {
      return false;
    }
    *chunk = std::move(chunks_.front());
    chunks_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::vector<std::string>> chunks_;
  bool closed_ = false;
};

class Bench {
 public:
  explicit Bench(std::map<std::string, std::string> flags) : flags_(std::move(flags)) {
    profile_ = pv1::ClientProfileService::NewStub(
        grpc::CreateChannel(flags_["profile"], grpc::InsecureChannelCredentials()));
    referral_ = rv1::ReferralService::NewStub(
        grpc::CreateChannel(flags_["referral"], grpc::InsecureChannelCredentials()));
    key_ = flags_["api-key"];
    run_ = std::to_string(NowSeconds());
  }

  bool SetUp(int referrers) {
    rv1::PutRewardRulesRequest put;
    rv1::GetRewardRulesRequest get;
    if (!referral_->GetRewardRules(Context(key_).get(), get, put.mutable_rules()).ok()) {
      return Fail("GetRewardRules");
    }
    put.set_expected_version(put.rules().version());
    put.mutable_rules()->set_max_referrals_per_day(10000);  // default velocity is 20/day
    put.mutable_rules()->set_max_rewarded_per_referrer(0);
    rv1::RewardRules stored;
    if (!referral_->PutRewardRules(Context(flags_["admin-api-key"]).get(), put, &stored).ok()) {
      return Fail("PutRewardRules");
    }
    currency_ = stored.referrer_reward().currency();
    for (int r = 0; r < referrers; ++r) {
      rv1::IssueCodeRequest issue;
      issue.set_client_id("bench-referrer-" + run_ + "-" + std::to_string(r));
      rv1::ReferralCode code;
      if (!referral_->IssueCode(Context(key_).get(), issue, &code).ok()) {
        return Fail("IssueCode");
      }
      codes_.push_back(code.code());
    }
    return true;
  }

  // The referees sign up in client-profile (they must exist there to buy).
  bool SignUp(const std::string& prefix, int count) {
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", key_);
    pv1::ImportClientsResponse response;
    auto writer = profile_->ImportClients(&context, &response);
    for (int i = 0; i < count; ++i) {
      pv1::ImportClientsRequest request;
      request.mutable_client()->set_client_id(Referee(prefix, i));
      request.mutable_client()->set_display_name("Bench referee");
      if (!writer->Write(request)) {
        break;
      }
    }
    writer->WritesDone();
    return writer->Finish().ok() && response.created_count() == count ? true
                                                                      : Fail("ImportClients");
  }

  // The timed end-to-end run; returns referrals per second.
  double EndToEnd(int referrals, int batch, int registrars, int buyers) {
    const int64_t converted_before = Converted();
    ChunkQueue queue;
    std::atomic<bool> failed{false};
    const auto started = Clock::now();
    // Two registrars and two buyers by default, as a platform's sign-up and checkout paths
    // would run.
    std::atomic<int> next_chunk{0};
    std::atomic<int> registrars_left{registrars};
    std::vector<std::thread> workers;
    for (int r = 0; r < registrars; ++r) {
      workers.emplace_back([&] {
        for (int begin = next_chunk++ * batch; begin < referrals && !failed;
             begin = next_chunk++ * batch) {
          const int end = std::min(referrals, begin + batch);
          rv1::RegisterReferralsRequest request;
          std::vector<std::string> chunk;
          for (int i = begin; i < end; ++i) {
            auto* entry = request.add_referrals();
            entry->set_code(codes_[static_cast<size_t>(i) % codes_.size()]);
            entry->set_referee_client_id(Referee("e2e", i));
            chunk.push_back(entry->referee_client_id());
          }
          rv1::RegisterReferralsResponse response;
          if (!referral_->RegisterReferrals(Context(key_).get(), request, &response).ok() ||
              response.registered_count() != end - begin) {
            failed = Fail("RegisterReferrals");
          }
          queue.Push(std::move(chunk));
        }
        if (--registrars_left == 0) {
          queue.Close();
        }
      });
    }
    for (int b = 0; b < buyers; ++b) {
      workers.emplace_back([&] {
        std::vector<std::string> chunk;
        while (queue.Pop(&chunk)) {
          pv1::RecordTransactionsRequest request;
          for (const std::string& referee : chunk) {
            auto* input = request.add_transactions();
            input->set_idempotency_key("bench-first-" + referee);
            input->set_client_id(referee);
            input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
            input->mutable_amount()->set_units(30000);
            input->mutable_amount()->set_currency(currency_);
            input->set_category("counselling");
            input->mutable_occurred_at()->set_seconds(NowSeconds());
          }
          pv1::RecordTransactionsResponse response;
          if (!profile_->RecordTransactions(Context(key_).get(), request, &response).ok()) {
            failed = Fail("RecordTransactions");
          }
        }
      });
    }
    for (auto& worker : workers) {
      worker.join();
    }
    std::printf("referral-bench: registrations and purchases sent after %.2f s\n",
                std::chrono::duration<double>(Clock::now() - started).count());
    std::fflush(stdout);
    const auto deadline = Clock::now() + std::chrono::minutes(5);
    while (!failed && Converted() < converted_before + referrals && Clock::now() < deadline) {
      // Each poll reads the 1,000 referrers' rows; every 50 ms costs the run at most 0.5%.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const int64_t converted = Converted() - converted_before;
    std::printf(
        "referral-bench: %d registered in batches of %d and %lld converted through "
        "ct:events:profile in %.2f s\n",
        referrals, batch, static_cast<long long>(converted), seconds);
    return failed || converted != referrals ? 0.0 : referrals / seconds;
  }

  // RegisterReferral then ConvertReferral per referral, 64 callers.
  double OneAtATime(int referrals, std::vector<double>* latencies_ms) {
    std::atomic<int> next{0};
    std::atomic<int> failures{0};
    std::mutex mutex;
    const auto started = Clock::now();
    std::vector<std::thread> callers;
    for (int t = 0; t < 64; ++t) {
      callers.emplace_back([&] {
        for (int i = next++; i < referrals; i = next++) {
          const auto begin = Clock::now();
          rv1::RegisterReferralRequest reg;
          reg.set_code(codes_[static_cast<size_t>(i) % codes_.size()]);
          reg.set_referee_client_id(Referee("single", i));
          rv1::Referral referral;
          rv1::ConvertReferralRequest convert;
          convert.set_referee_client_id(reg.referee_client_id());
          convert.set_transaction_id("bench-single-" + std::to_string(i));
          convert.mutable_amount()->set_units(30000);
          convert.mutable_amount()->set_currency(currency_);
          convert.mutable_occurred_at()->set_seconds(NowSeconds());
          rv1::ConvertReferralResponse converted;
          if (!referral_->RegisterReferral(Context(key_).get(), reg, &referral).ok() ||
              !referral_->ConvertReferral(Context(key_).get(), convert, &converted).ok()) {
            ++failures;
            continue;
          }
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
          std::lock_guard<std::mutex> lock(mutex);
          latencies_ms->push_back(ms);
        }
      });
    }
    for (auto& caller : callers) {
      caller.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return failures > 0 ? 0.0 : referrals / seconds;
  }

 private:
  std::string Referee(const std::string& prefix, int i) const {
    return "bench-" + prefix + "-" + run_ + "-" + std::to_string(i);
  }

  // Conversions so far: the sum over the referrers' counts (GetPropagation reads one row per
  // referrer, so polling it does not load the server like a tenant-wide aggregate would).
  int64_t Converted() {
    rv1::GetPropagationRequest request;
    for (size_t r = 0; r < codes_.size(); ++r) {
      request.add_client_ids("bench-referrer-" + run_ + "-" + std::to_string(r));
    }
    rv1::GetPropagationResponse response;
    if (!referral_->GetPropagation(Context(key_).get(), request, &response).ok()) {
      return -1;
    }
    int64_t converted = 0;
    for (const rv1::Propagation& referrer : response.clients()) {
      converted += referrer.converted();
    }
    return converted;
  }

  static bool Fail(const char* what) {
    std::fprintf(stderr, "referral-bench: %s failed\n", what);
    return false;
  }

  std::map<std::string, std::string> flags_;
  std::unique_ptr<pv1::ClientProfileService::Stub> profile_;
  std::unique_ptr<rv1::ReferralService::Stub> referral_;
  std::string key_;
  std::string run_;
  std::string currency_;
  std::vector<std::string> codes_;
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = Flags(argc, argv);
  if (flags["profile"].empty() || flags["referral"].empty() || flags["api-key"].empty() ||
      flags["admin-api-key"].empty()) {
    std::fprintf(stderr,
                 "usage: referral-bench --profile=HOST:PORT --referral=HOST:PORT --api-key=W "
                 "--admin-api-key=A [--referrals=N] [--referrers=N] [--batch=N] [--single=N]\n");
    return 2;
  }
  const int referrals = IntFlag(flags, "referrals", 50000);
  const int batch = IntFlag(flags, "batch", 500);
  const int single = IntFlag(flags, "single", 2000);
  Bench bench(flags);
  if (!bench.SetUp(std::min(1000, IntFlag(flags, "referrers", 1000))) ||
      !bench.SignUp("e2e", referrals)) {
    return 1;
  }
  std::printf("referral-bench: set-up done; the timed run starts\n");
  std::fflush(stdout);
  const double rate = bench.EndToEnd(referrals, batch, IntFlag(flags, "registrars", 2),
                                     IntFlag(flags, "buyers", 2));
  Figure figure;
  figure.name = "referrals_end_to_end (register, purchase in profile, converted)";
  figure.value = Fixed(rate, 0) + " referrals/s";
  figure.target = ">= 5000 referrals/s";
  figure.met = rate >= 5000 ? "yes" : "no";
  clienttier::bench::PrintFigure(figure);
  std::vector<Figure> figures{figure};

  std::vector<double> latencies;
  const double single_rate = single > 0 ? bench.OneAtATime(single, &latencies) : 0.0;
  if (single > 0) {
    std::sort(latencies.begin(), latencies.end());
    const auto percentile = [&latencies](double p) {
      return latencies.empty()
                 ? 0.0
                 : latencies[std::min(
                       latencies.size() - 1,
                       static_cast<size_t>(p * static_cast<double>(latencies.size())))];
    };
    Figure one;
    one.name = "referrals_one_rpc_pair_at_a_time (64 in flight)";
    one.value = Fixed(single_rate, 0) + " referrals/s";
    one.p50 = Fixed(percentile(0.5), 2) + " ms";
    one.p99 = Fixed(percentile(0.99), 2) + " ms";
    clienttier::bench::PrintFigure(one);
    figures.push_back(one);
  }
  clienttier::bench::PrintTable(figures);
  return rate > 0 ? 0 : 1;
}
