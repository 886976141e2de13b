// referral-bench: RegisterReferral followed by the referee's conversion (ConvertReferral), end
// to end over gRPC against a running referral service and its MariaDB. Many referrers each
// refer many new clients; `--in-flight` callers run register-then-convert loops. Prints
// referrals per second (target >= 5,000) and per-referral latency.
//
//   referral-bench --target=HOST:PORT --api-key=WRITER --admin-api-key=ADMIN
//                  [--referrals=40000] [--referrers=400] [--in-flight=64]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/support/unary_load.h"
#include "clienttier/referral/v1/referral_service.grpc.pb.h"

namespace {

namespace rv1 = ::clienttier::referral::v1;
using clienttier::bench::Figure;

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

std::unique_ptr<grpc::ClientContext> Context(const std::string& key) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", key);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

}  // namespace

int main(int argc, char** argv) {
  auto flags = Flags(argc, argv);
  if (flags["target"].empty() || flags["api-key"].empty() || flags["admin-api-key"].empty()) {
    std::fprintf(stderr, "usage: referral-bench --target=HOST:PORT --api-key=W --admin-api-key=A "
                         "[--referrals=N] [--referrers=N] [--in-flight=N]\n");
    return 2;
  }
  const int referrals = flags.count("referrals") ? std::stoi(flags["referrals"]) : 40000;
  const int referrers = flags.count("referrers") ? std::stoi(flags["referrers"]) : 400;
  const int in_flight = flags.count("in-flight") ? std::stoi(flags["in-flight"]) : 64;
  const std::string key = flags["api-key"];
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // A few channels, so the load is not serialised on one HTTP/2 connection.
  std::vector<std::unique_ptr<rv1::ReferralService::Stub>> stubs;
  for (int i = 0; i < 4; ++i) {
    arguments.SetInt("ct.bench.channel", i);
    stubs.push_back(rv1::ReferralService::NewStub(grpc::CreateCustomChannel(
        flags["target"], grpc::InsecureChannelCredentials(), arguments)));
  }

  // Rules that let one referrer register its share today (the default velocity is 20/day).
  rv1::PutRewardRulesRequest put;
  rv1::GetRewardRulesRequest get;
  if (!stubs[0]->GetRewardRules(Context(key).get(), get, put.mutable_rules()).ok()) {
    std::fprintf(stderr, "referral-bench: GetRewardRules failed\n");
    return 1;
  }
  put.set_expected_version(put.rules().version());
  put.mutable_rules()->set_max_referrals_per_day(10000);
  put.mutable_rules()->set_max_rewarded_per_referrer(0);
  rv1::RewardRules stored;
  const grpc::Status put_status = stubs[0]->PutRewardRules(Context(flags["admin-api-key"]).get(),
                                                           put, &stored);
  if (!put_status.ok()) {
    std::fprintf(stderr, "referral-bench: PutRewardRules: %s\n", put_status.error_message().c_str());
    return 1;
  }
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::vector<std::string> codes(static_cast<size_t>(referrers));
  for (int r = 0; r < referrers; ++r) {
    rv1::IssueCodeRequest issue;
    issue.set_client_id("bench-referrer-" + run + "-" + std::to_string(r));
    rv1::ReferralCode code;
    if (!stubs[0]->IssueCode(Context(key).get(), issue, &code).ok()) {
      std::fprintf(stderr, "referral-bench: IssueCode failed\n");
      return 1;
    }
    codes[static_cast<size_t>(r)] = code.code();
  }

  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(in_flight));
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> callers;
  for (int t = 0; t < in_flight; ++t) {
    callers.emplace_back([&, t] {
      rv1::ReferralService::Stub& stub = *stubs[static_cast<size_t>(t) % stubs.size()];
      for (int i = next++; i < referrals; i = next++) {
        const auto begin = std::chrono::steady_clock::now();
        const std::string referee = "bench-referee-" + run + "-" + std::to_string(i);
        rv1::RegisterReferralRequest reg;
        reg.set_code(codes[static_cast<size_t>(i % referrers)]);
        reg.set_referee_client_id(referee);
        rv1::Referral referral;
        rv1::ConvertReferralRequest convert;
        convert.set_referee_client_id(referee);
        convert.set_transaction_id("bench-tx-" + std::to_string(i));
        convert.mutable_amount()->set_units(30000);
        convert.mutable_amount()->set_currency(stored.referrer_reward().currency());
        convert.mutable_occurred_at()->set_seconds(
            std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
        rv1::ConvertReferralResponse converted;
        if (!stub.RegisterReferral(Context(key).get(), reg, &referral).ok() ||
            !stub.ConvertReferral(Context(key).get(), convert, &converted).ok() ||
            converted.outcome() != rv1::CONVERSION_OUTCOME_CONVERTED) {
          ++failed;
          continue;
        }
        latencies[static_cast<size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
                .count());
      }
    });
  }
  for (auto& caller : callers) {
    caller.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<double> all;
  for (const auto& thread_latencies : latencies) {
    all.insert(all.end(), thread_latencies.begin(), thread_latencies.end());
  }
  std::sort(all.begin(), all.end());
  const auto percentile = [&all](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  const double rate = static_cast<double>(all.size()) / seconds;
  std::printf("referral-bench: %zu referrals registered and converted in %.2f s, %d failed\n",
              all.size(), seconds, failed.load());
  Figure figure;
  figure.name = "RegisterReferral + ConvertReferral (" + std::to_string(in_flight) + " in flight)";
  figure.value = clienttier::bench::Fixed(rate, 0) + " referrals/s";
  figure.target = ">= 5000 referrals/s";
  figure.p50 = clienttier::bench::Fixed(percentile(0.5), 2) + " ms";
  figure.p99 = clienttier::bench::Fixed(percentile(0.99), 2) + " ms";
  figure.met = failed.load() == 0 && rate >= 5000 ? "yes" : "no";
  clienttier::bench::PrintFigure(figure);
  return failed.load() == 0 ? 0 : 1;
}
