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

#include "clienttier/profile/v1/profile_service.grpc.pb.h"

namespace {

namespace v1 = ::clienttier::profile::v1;

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
const char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";

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

std::string Fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

double Milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

void Authorize(grpc::ClientContext* context, const std::string& api_key,
               std::chrono::seconds timeout) {
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
}

struct Latencies {
  double p50_ms = 0;
  double p99_ms = 0;
};

// Nearest-rank percentiles.
Latencies Summarize(std::vector<double> samples_ms) {
  Latencies result;
  if (samples_ms.empty()) {
    return result;
  }
  std::sort(samples_ms.begin(), samples_ms.end());
  const auto rank = [&](double quantile) {
    const double count = static_cast<double>(samples_ms.size());
    const auto index = static_cast<size_t>(std::ceil(quantile * count));
    return samples_ms[std::min(samples_ms.size(), std::max<size_t>(index, 1)) - 1];
  };
  result.p50_ms = rank(0.50);
  result.p99_ms = rank(0.99);
  return result;
}

// One printed figure; empty fields are left out of the line and shown as "-" in the table.
struct Figure {
  std::string name;
  std::string value;
  std::string target;
  std::string p50;
  std::string p99;
  std::string met;  // "yes", "no", or empty when the figure has no target
  std::string note;
};

void PrintFigure(const Figure& figure) {
  std::string line = figure.name + ": " + figure.value;
  if (!figure.target.empty()) {
    line += " (target " + figure.target + ")";
  }
  if (!figure.p50.empty()) {
    line += " p50=" + figure.p50 + " p99=" + figure.p99;
  }
  if (!figure.met.empty()) {
    line += figure.met == "yes" ? " met" : " NOT met";
  }
  if (!figure.note.empty()) {
    line += " [" + figure.note + "]";
  }
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void PrintTable(const std::vector<Figure>& figures) {
  const auto cell = [](const std::string& text) { return text.empty() ? std::string("-") : text; };
  std::printf("\n| figure | value | target | p50 | p99 | met |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const auto& figure : figures) {
    std::printf("| %s | %s | %s | %s | %s | %s |\n", figure.name.c_str(), figure.value.c_str(),
                cell(figure.target).c_str(), cell(figure.p50).c_str(), cell(figure.p99).c_str(),
                cell(figure.met).c_str());
  }
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
  std::printf("setup: imported %d clients bench-%s-* (created %lld, existing %lld, "
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
    item->set_kind(is_session(rng) ? v1::TRANSACTION_KIND_SESSION
                                   : v1::TRANSACTION_KIND_PURCHASE);
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

// One outstanding request; its address is the completion-queue tag, and it is reused for the
// next request once this one completes.
struct Slot {
  // Declared first so it is destroyed last: the call objects live in the call's arena, which
  // the context owns.
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> raw_call;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Client>> client_call;
  grpc::ByteBuffer raw_response;
  v1::Client client_response;
  grpc::Status status;
  Clock::time_point started;

  // Drops the finished call; the response and status stay readable.
  void Release() {
    raw_call.reset();
    client_call.reset();
    context.reset();
  }

  void Renew(const std::string& api_key) {
    Release();
    context = std::make_unique<grpc::ClientContext>();
    Authorize(context.get(), api_key, kUnaryTimeout);
  }
};

// Starts one request on `slot` whose completion is tagged with &slot.
using Starter = std::function<void(Slot& slot, grpc::CompletionQueue& queue)>;

struct LoadResult {
  int64_t completed = 0;
  int64_t failed = 0;
  std::string first_error;
  double elapsed_s = 0;
  std::vector<double> latencies_ms;
};

// Keeps `in_flight` requests outstanding for `duration`: each completion immediately starts the
// next request on the same slot, so the client never lets the pipeline drain.
LoadResult RunClosedLoop(int in_flight, std::chrono::seconds duration, const Starter& start) {
  LoadResult result;
  grpc::CompletionQueue queue;
  std::vector<Slot> slots(static_cast<size_t>(in_flight));
  const auto begin = Clock::now();
  const auto end = begin + duration;
  for (auto& slot : slots) {
    start(slot, queue);
  }
  size_t outstanding = slots.size();
  auto last = begin;
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && queue.Next(&tag, &ok)) {
    Slot& slot = *static_cast<Slot*>(tag);
    last = Clock::now();
    if (ok && slot.status.ok()) {
      ++result.completed;
      result.latencies_ms.push_back(Milliseconds(last - slot.started));
    } else {
      ++result.failed;
      if (result.first_error.empty()) {
        result.first_error = Describe(slot.status);
      }
    }
    if (last < end) {
      start(slot, queue);
    } else {
      --outstanding;
    }
  }
  result.elapsed_s = std::chrono::duration<double>(last - begin).count();
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

// Runs a single request through `start` and waits for it: probes and cache warming.
grpc::Status RunOnce(const Starter& start, Slot* slot) {
  grpc::CompletionQueue queue;
  start(*slot, queue);
  void* tag = nullptr;
  bool ok = false;
  const bool got = queue.Next(&tag, &ok);
  // The call holds on to the queue it was bound to; let it go before the queue does.
  slot->Release();
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!got || !ok) {
    return grpc::Status(grpc::StatusCode::UNKNOWN, "completion queue returned no result");
  }
  return slot->status;
}

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer.Dump(&slices).ok()) {
    for (const auto& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return bytes;
}

double QpsOf(const LoadResult& load) {
  return load.elapsed_s > 0 ? static_cast<double>(load.completed) / load.elapsed_s : 0;
}

Figure QpsFigure(const std::string& name, const LoadResult& load, int in_flight, bool* clean) {
  const double qps = QpsOf(load);
  const Latencies latencies = Summarize(load.latencies_ms);
  Figure figure;
  figure.name = name;
  figure.value = Fixed(qps, 0) + " qps";
  figure.p50 = Fixed(latencies.p50_ms, 2) + "ms";
  figure.p99 = Fixed(latencies.p99_ms, 2) + "ms";
  figure.note = std::to_string(load.completed) + " requests, " + std::to_string(in_flight) +
                " in flight, " + Fixed(load.elapsed_s, 1) + "s";
  if (load.failed > 0) {
    figure.note += ", " + std::to_string(load.failed) + " failed, first: " + load.first_error;
    *clean = false;
  }
  return figure;
}

bool MeasureReads(const std::shared_ptr<grpc::Channel>& channel, const Options& options,
                  const std::string& run, std::vector<Figure>* figures, bool* clean) {
  grpc::GenericStub generic(channel);
  // A HealthCheckRequest with an empty service serialises to zero bytes. It must still be a
  // real (empty) message: a default ByteBuffer is "no message" and the call would send none.
  const grpc::Slice empty_slice;
  const grpc::ByteBuffer empty_request(&empty_slice, 1);
  const std::string health_method = kHealthCheckMethod;
  // The key is sent to Health too (which ignores it) so both calls carry the same metadata
  // and the ratio reflects server work, not header size.
  const Starter health = [&](Slot& slot, grpc::CompletionQueue& queue) {
    slot.Renew(options.api_key);
    slot.raw_call =
        generic.PrepareUnaryCall(slot.context.get(), health_method, empty_request, &queue);
    slot.started = Clock::now();
    slot.raw_call->StartCall();
    slot.raw_call->Finish(&slot.raw_response, &slot.status, &slot);
  };

  auto stub = v1::ClientProfileService::NewStub(channel);
  std::vector<v1::GetClientRequest> requests(kClientCount);
  for (int i = 0; i < kClientCount; ++i) {
    requests[static_cast<size_t>(i)].set_client_id(ClientId(run, i));
  }
  size_t next_request = 0;
  const Starter get_client = [&](Slot& slot, grpc::CompletionQueue& queue) {
    slot.Renew(options.api_key);
    const v1::GetClientRequest& request = requests[next_request++ % requests.size()];
    slot.client_call = stub->PrepareAsyncGetClient(slot.context.get(), request, &queue);
    slot.started = Clock::now();
    slot.client_call->StartCall();
    slot.client_call->Finish(&slot.client_response, &slot.status, &slot);
  };

  Slot probe;
  const grpc::Status health_status = RunOnce(health, &probe);
  // HealthCheckResponse{status: SERVING} is field 1, varint 1.
  if (!health_status.ok() || Flatten(probe.raw_response) != std::string("\x08\x01", 2)) {
    std::printf("setup: Health/Check is not answering SERVING: %s\n",
                health_status.ok() ? "unexpected response body" : Describe(health_status).c_str());
    return false;
  }
  // One pass over every client, so the measured GetClients are cache hits.
  for (size_t i = 0; i < requests.size(); ++i) {
    const grpc::Status status = RunOnce(get_client, &probe);
    if (!status.ok()) {
      std::printf("setup: warming GetClient %s failed: %s\n", requests[i].client_id().c_str(),
                  Describe(status).c_str());
      return false;
    }
  }
  next_request = 0;
  std::printf("setup: Health/Check SERVING, cache warmed with %d GetClient calls\n", kClientCount);

  const auto duration = std::chrono::seconds(options.seconds);
  const LoadResult health_load = RunClosedLoop(options.in_flight, duration, health);
  figures->push_back(QpsFigure("health_check", health_load, options.in_flight, clean));
  PrintFigure(figures->back());
  const LoadResult client_load = RunClosedLoop(options.in_flight, duration, get_client);
  figures->push_back(QpsFigure("get_client_cached", client_load, options.in_flight, clean));
  PrintFigure(figures->back());

  const double health_qps = QpsOf(health_load);
  const double ratio = health_qps > 0 ? QpsOf(client_load) / health_qps : 0;
  Figure ratio_figure;
  ratio_figure.name = "get_client_vs_health_ratio";
  ratio_figure.value = Fixed(ratio, 2);
  ratio_figure.target = ">= " + Fixed(kTargetGetClientToHealthRatio, 2);
  ratio_figure.met = ratio >= kTargetGetClientToHealthRatio ? "yes" : "no";
  figures->push_back(ratio_figure);
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
