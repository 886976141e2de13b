// scoring-bench: cached GetScore against grpc.health.v1.Health/Check on the same scoring
// server in the same run, with `in-flight` requests always outstanding (a benchmark that
// prints figures, not a pass/fail test). Target: GetScore QPS >= 0.60 x Health QPS.
//
//   scoring-bench --profile=HOST:PORT --scoring=HOST:PORT --api-key=KEY [--seconds=10]
//                 [--in-flight=64]
//
// Setup goes the real way: 1000 clients and one purchase each are written to client-profile,
// and scoring scores them from ct:events:profile; one GetScore pass then warms the cache.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/support/unary_load.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"

namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;
using namespace ::clienttier::bench;  // NOLINT: the benchmark's own support library

constexpr int kClients = 1000;
constexpr double kTargetRatio = 0.60;
const char kGetScore[] = "/clienttier.scoring.v1.ScoringService/GetScore";

struct Options {
  std::string profile;
  std::string scoring;
  std::string api_key;
  int seconds = 10;
  int in_flight = 64;
};

bool Parse(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : arg.substr(equals + 1);
    if (name == "--profile") {
      options->profile = value;
    } else if (name == "--scoring") {
      options->scoring = value;
    } else if (name == "--api-key") {
      options->api_key = value;
    } else if (name == "--seconds") {
      options->seconds = std::stoi(value);
    } else if (name == "--in-flight") {
      options->in_flight = std::stoi(value);
    } else {
      return false;
    }
  }
  return !options->profile.empty() && !options->scoring.empty() && !options->api_key.empty() &&
         options->seconds > 0 && options->in_flight > 0;
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& api_key) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return context;
}

bool Setup(const Options& options, const std::string& run, std::vector<std::string>* requests) {
  auto profile = pv1::ClientProfileService::NewStub(
      grpc::CreateChannel(options.profile, grpc::InsecureChannelCredentials()));
  auto context = Context(options.api_key);
  pv1::ImportClientsResponse imported;
  auto writer = profile->ImportClients(context.get(), &imported);
  pv1::ImportClientsRequest item;
  for (int i = 0; i < kClients; ++i) {
    item.mutable_client()->set_client_id("sb-" + run + "-" + std::to_string(i));
    writer->Write(item);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok() || imported.created_count() != kClients) {
    std::printf("setup: ImportClients failed: %s\n", status.error_message().c_str());
    return false;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  pv1::RecordTransactionsRequest batch;
  for (int i = 0; i < kClients; ++i) {
    auto* tx = batch.add_transactions();
    tx->set_idempotency_key("sb-" + run + "-" + std::to_string(i));
    tx->set_client_id("sb-" + run + "-" + std::to_string(i));
    tx->set_kind(pv1::TRANSACTION_KIND_SESSION);
    tx->mutable_amount()->set_units(30000 + i);
    tx->mutable_amount()->set_currency("CNY");
    tx->mutable_occurred_at()->set_seconds(now - (i % 300) * 86400);
  }
  pv1::RecordTransactionsResponse recorded;
  status = profile->RecordTransactions(Context(options.api_key).get(), batch, &recorded);
  if (!status.ok()) {
    std::printf("setup: RecordTransactions failed: %s\n", status.error_message().c_str());
    return false;
  }
  for (int i = 0; i < kClients; ++i) {
    sv1::GetScoreRequest request;
    request.set_client_id("sb-" + run + "-" + std::to_string(i));
    requests->push_back(request.SerializeAsString());
  }
  // Scoring consumes the events asynchronously: wait for every client's score (which also
  // warms the cache).
  auto channel = grpc::CreateChannel(options.scoring, grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  const auto started = std::chrono::steady_clock::now();
  for (const auto& request : *requests) {
    while (!CallOnce(generic, kGetScore, request, options.api_key, nullptr).ok()) {
      if (std::chrono::steady_clock::now() - started > std::chrono::seconds(120)) {
        std::printf("setup: scoring did not score the clients within 120 s\n");
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::printf("setup: %d clients scored from the event stream in %.1f s, cache warm\n", kClients,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!Parse(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: scoring-bench --profile=HOST:PORT --scoring=HOST:PORT --api-key=KEY "
                 "[--seconds=10] [--in-flight=64]\n");
    return 2;
  }
  const std::string run = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  std::vector<std::string> requests;
  if (!Setup(options, run, &requests)) {
    return 1;
  }
  auto channel = grpc::CreateChannel(options.scoring, grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  const auto duration = std::chrono::seconds(options.seconds);
  bool clean = true;
  std::vector<Figure> figures;
  const LoadResult health = RunClosedLoop(generic, kHealthCheckMethod, {""}, options.api_key,
                                          options.in_flight, duration);
  figures.push_back(QpsFigure("scoring_health_check", health, options.in_flight, &clean));
  PrintFigure(figures.back());
  const LoadResult scores =
      RunClosedLoop(generic, kGetScore, requests, options.api_key, options.in_flight, duration);
  figures.push_back(QpsFigure("get_score_cached", scores, options.in_flight, &clean));
  PrintFigure(figures.back());
  figures.push_back(RatioFigure("get_score_vs_health_ratio", scores, health, kTargetRatio));
  PrintFigure(figures.back());
  PrintTable(figures);
  return clean ? 0 : 1;
}
