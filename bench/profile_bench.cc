// profile-bench: load figures for a running client-profile server (a benchmark that prints
// numbers, not a pass/fail test).
//
//   profile-bench --target=HOST:PORT --api-key=KEY [--seconds=10] [--in-flight=64] [--writers=4]
//
// a) RecordTransactions throughput (measured second): `writers` threads send batches of 1000 transactions to 1000
//    freshly imported clients for `seconds`; target >= 20000 tx/s.
// b) Cached GetClient against (measured first) grpc.health.v1.Health/Check, each for `seconds` with `in-flight`
//    requests always outstanding; target GetClient QPS >= 0.60 x Health QPS. Health/Check does
//    almost no server work, so the ratio shows what auth + cache lookup cost per request.
//
// Exit code 0 when every figure was measured without RPC errors (targets missed or not), 1 when
// setup failed or requests failed, 2 for bad arguments.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iomanip>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "bench/support/unary_load.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"

namespace {

namespace v1 = ::clienttier::profile::v1;
using namespace ::clienttier::bench;  // NOLINT: the benchmark's own support library

using Clock = std::chrono::steady_clock;

constexpr int kClientCount = 1000;
constexpr int kBatchSize = 1000;
constexpr double kTargetTransactionsPerSecond = 20000.0;
constexpr double kTargetGetClientToHealthRatio = 0.60;
constexpr int64_t kSecondsPerYear = 365LL * 86400;
constexpr std::chrono::seconds kUnaryTimeout{5};
// A batch of 1000 rows is one MySQL transaction; under load it may well take seconds.
constexpr std::chrono::seconds kBatchTimeout{30};
constexpr std::chrono::seconds kImportTimeout{120};
constexpr std::chrono::seconds kConnectTimeout{10};

struct Options {
  std::string target;
  std::string api_key;
  int seconds = 10;
  int in_flight = 64;
  int writers = 4;
};

bool ParseInt(const std::string& text, int low, int high, int* out) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || value < low || value > high) {
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

bool ParseOptions(int argc, char** argv, Options* options) {
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : arg.substr(equals + 1);
    if (name == "--target") {
      options->target = value;
    } else if (name == "--api-key") {
      options->api_key = value;
    } else if (name == "--seconds") {
      ok = ParseInt(value, 1, 3600, &options->seconds);
    } else if (name == "--in-flight") {
      ok = ParseInt(value, 1, 10000, &options->in_flight);
    } else if (name == "--writers") {
      ok = ParseInt(value, 1, 256, &options->writers);
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "profile-bench: bad argument '%s'\n", arg.c_str());
    }
  }
  if (!ok || options->target.empty() || options->api_key.empty()) {
    std::fprintf(stderr,
                 "usage: profile-bench --target=HOST:PORT --api-key=KEY [--seconds=10] "
                 "[--in-flight=64] [--writers=4]\n");
    return false;
  }
  return true;
}

std::string Describe(const grpc::Status& status) {
  return "code " + std::to_string(static_cast<int>(status.error_code())) + ": " +
         status.error_message();
}

double Milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

void Authorize(grpc::ClientContext* context, const std::string& api_key,
               std::chrono::seconds timeout) {
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
}

std::string ClientId(const std::string& run, int index) {
  return "bench-" + run + "-" + std::to_string(index);
}

// --- setup ------------------------------------------------------------------------------------

bool ImportClients(v1::ClientProfileService::Stub& stub, const Options& options,
                   const std::string& run) {
  grpc::ClientContext context;
  Authorize(&context, options.api_key, kImportTimeout);
  v1::ImportClientsResponse response;
  auto writer = stub.ImportClients(&context, &response);
  v1::ImportClientsRequest item;
  bool written = true;
  for (int i = 0; i < kClientCount && written; ++i) {
    v1::Client* client = item.mutable_client();
    client->set_client_id(ClientId(run, i));
    client->set_display_name("Bench Client " + std::to_string(i));
    client->mutable_acquisition()->set_channel("bench");
    written = writer->Write(item);
  }
  if (written) {
    writer->WritesDone();
  }
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    std::printf("setup: ImportClients failed: %s\n", Describe(status).c_str());
    return false;
  }
  std::printf(
      "setup: imported %d clients bench-%s-* (created %lld, existing %lld, "
      "rejected %lld)\n",
      kClientCount, run.c_str(), static_cast<long long>(response.created_count()),
      static_cast<long long>(response.existing_count()),
      static_cast<long long>(response.rejected_count()));
  return response.created_count() + response.existing_count() == kClientCount;
}

// --- a) batch RecordTransactions ----------------------------------------------------------------

struct WriterResult {
  int64_t recorded = 0;
  int64_t duplicates = 0;
  std::vector<double> batch_ms;
  std::string error;  // first failure; the writer stops there, as later figures would be noise
};

void FillBatch(const std::string& run, int writer, int64_t* sequence, std::mt19937_64& rng,
               v1::RecordTransactionsRequest* request) {
  static const char* const kCategories[] = {"course", "workshop", "counselling", "retreat"};
  std::uniform_int_distribution<int> pick_client(0, kClientCount - 1);
  std::uniform_int_distribution<int64_t> pick_amount(100, 50000);
  std::uniform_int_distribution<int64_t> pick_age(0, kSecondsPerYear - 1);
  std::uniform_int_distribution<int> pick_category(0, 3);
  std::bernoulli_distribution is_session(0.3);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  request->Clear();
  for (int i = 0; i < kBatchSize; ++i) {
    v1::TransactionInput* item = request->add_transactions();
    item->set_idempotency_key(run + "-" + std::to_string(writer) + "-" +
                              std::to_string((*sequence)++));
    item->set_client_id(ClientId(run, pick_client(rng)));
    item->set_kind(is_session(rng) ? v1::TRANSACTION_KIND_SESSION : v1::TRANSACTION_KIND_PURCHASE);
    item->mutable_amount()->set_units(pick_amount(rng));
    item->mutable_amount()->set_currency("CNY");
    item->set_category(kCategories[pick_category(rng)]);
    item->mutable_occurred_at()->set_seconds(now - pick_age(rng));
  }
}

void RunWriter(const std::shared_ptr<grpc::Channel>& channel, const Options& options,
               const std::string& run, int writer, Clock::time_point end, WriterResult* result) {
  auto stub = v1::ClientProfileService::NewStub(channel);
  std::mt19937_64 rng(std::random_device{}());
  int64_t sequence = 0;
  v1::RecordTransactionsRequest request;
  while (Clock::now() < end) {
    FillBatch(run, writer, &sequence, rng, &request);
    grpc::ClientContext context;
    Authorize(&context, options.api_key, kBatchTimeout);
    v1::RecordTransactionsResponse response;
    const auto started = Clock::now();
    const grpc::Status status = stub->RecordTransactions(&context, request, &response);
    if (!status.ok()) {
      result->error = Describe(status);
      return;
    }
    result->batch_ms.push_back(Milliseconds(Clock::now() - started));
    result->recorded += response.recorded_count();
    result->duplicates += response.duplicate_count();
  }
}

Figure MeasureBatchWrites(const std::shared_ptr<grpc::Channel>& channel, const Options& options,
                          const std::string& run, bool* clean) {
  std::vector<WriterResult> results(static_cast<size_t>(options.writers));
  std::vector<std::thread> threads;
  const auto begin = Clock::now();
  const auto end = begin + std::chrono::seconds(options.seconds);
  for (int w = 0; w < options.writers; ++w) {
    threads.emplace_back(RunWriter, std::cref(channel), std::cref(options), std::cref(run), w, end,
                         &results[static_cast<size_t>(w)]);
  }
  for (auto& thread : threads) {
    thread.join();
  }
  // Until the last batch returned: every recorded row is inside the measured time.
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - begin).count();

  int64_t recorded = 0;
  int64_t duplicates = 0;
  std::vector<double> batch_ms;
  std::string errors;
  for (const auto& result : results) {
    recorded += result.recorded;
    duplicates += result.duplicates;
    batch_ms.insert(batch_ms.end(), result.batch_ms.begin(), result.batch_ms.end());
    if (!result.error.empty() && errors.empty()) {
      errors = result.error;
    }
  }
  const double per_second = static_cast<double>(recorded) / elapsed_s;
  const Latencies latencies = Summarize(batch_ms);
  Figure figure;
  figure.name = "record_transactions_batch1000";
  figure.value = Fixed(per_second, 0) + " tx/s";
  figure.target = ">= " + Fixed(kTargetTransactionsPerSecond, 0);
  figure.p50 = Fixed(latencies.p50_ms, 1) + "ms";
  figure.p99 = Fixed(latencies.p99_ms, 1) + "ms";
  figure.met = per_second >= kTargetTransactionsPerSecond ? "yes" : "no";
  figure.note = std::to_string(batch_ms.size()) + " batches, " + std::to_string(options.writers) +
                " writers, " + Fixed(elapsed_s, 1) + "s";
  // Fresh keys can only come back DUPLICATE if the service misbehaves.
  if (duplicates > 0) {
    figure.note += ", " + std::to_string(duplicates) + " unexpected duplicates";
    *clean = false;
  }
  if (!errors.empty()) {
    figure.note += ", a writer failed: " + errors;
    *clean = false;
  }
  return figure;
}

// --- b) closed-loop unary QPS ------------------------------------------------------------------

bool MeasureReads(const std::shared_ptr<grpc::Channel>& channel, const Options& options,
                  const std::string& run, std::vector<Figure>* figures, bool* clean) {
  grpc::GenericStub generic(channel);
  const std::string get_client = "/clienttier.profile.v1.ClientProfileService/GetClient";
  std::vector<std::string> requests;
  for (int i = 0; i < kClientCount; ++i) {
    v1::GetClientRequest request;
    request.set_client_id(ClientId(run, i));
    requests.push_back(request.SerializeAsString());
  }
  std::string response;
  const grpc::Status health = CallOnce(generic, kHealthCheckMethod, "", options.api_key, &response);
  // HealthCheckResponse{status: SERVING} is field 1, varint 1.
  if (!health.ok() || response != std::string("\x08\x01", 2)) {
    std::printf("setup: Health/Check is not answering SERVING: %s\n",
                health.ok() ? "unexpected response body" : Describe(health).c_str());
    return false;
  }
  // One pass over every client, so the measured GetClients are cache hits.
  for (const auto& request : requests) {
    const grpc::Status status = CallOnce(generic, get_client, request, options.api_key, nullptr);
    if (!status.ok()) {
      std::printf("setup: warming GetClient failed: %s\n", Describe(status).c_str());
      return false;
    }
  }
  std::printf("setup: Health/Check SERVING, cache warmed with %d GetClient calls\n", kClientCount);

  const auto duration = std::chrono::seconds(options.seconds);
  const LoadResult health_load = RunClosedLoop(generic, kHealthCheckMethod, {""}, options.api_key,
                                               options.in_flight, duration);
  figures->push_back(QpsFigure("health_check", health_load, options.in_flight, clean));
  PrintFigure(figures->back());
  const LoadResult client_load =
      RunClosedLoop(generic, get_client, requests, options.api_key, options.in_flight, duration);
  figures->push_back(QpsFigure("get_client_cached", client_load, options.in_flight, clean));
  PrintFigure(figures->back());
  figures->push_back(RatioFigure("get_client_vs_health_ratio", client_load, health_load,
                                 kTargetGetClientToHealthRatio));
  PrintFigure(figures->back());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    return 2;
  }
  auto channel = grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + kConnectTimeout)) {
    std::printf("profile-bench: cannot connect to %s\n", options.target.c_str());
    return 1;
  }
  // Milliseconds keep client ids and idempotency keys unique across runs.
  const std::string run = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  std::printf("profile-bench: target %s, run %s, %ds per measurement, %d writers, %d in flight\n",
              options.target.c_str(), run.c_str(), options.seconds, options.writers,
              options.in_flight);

  auto stub = v1::ClientProfileService::NewStub(channel);
  if (!ImportClients(*stub, options, run)) {
    return 1;
  }
  bool clean = true;
  std::vector<Figure> figures;
  // Reads first: after the writes, the outbox relay still publishes their events for a while
  // and would take CPU from the read measurement.
  if (!MeasureReads(channel, options, run, &figures, &clean)) {
    return 1;
  }
  figures.push_back(MeasureBatchWrites(channel, options, run, &clean));
  PrintFigure(figures.back());
  PrintTable(figures);
  if (!clean) {
    std::printf("\nprofile-bench: some requests failed; the figures above are not reliable\n");
    return 1;
  }
  return 0;
}
