#include "bench/support/unary_load.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <memory>
#include <sstream>

namespace clienttier::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kCallTimeout{5};

double Milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  // A real (possibly empty) message: a default ByteBuffer means "no message" and the call
  // would send none.
  const grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
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

std::string Describe(const grpc::Status& status) {
  return "code " + std::to_string(static_cast<int>(status.error_code())) + ": " +
         status.error_message();
}

// One outstanding call; its address is the completion-queue tag, reused for the next call.
struct Slot {
  // Declared first so it is destroyed last: the call lives in the context's arena.
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call;
  grpc::ByteBuffer response;
  grpc::Status status;
  Clock::time_point started;

  void Start(grpc::GenericStub& stub, const std::string& method, const grpc::ByteBuffer& request,
             const std::string& api_key, grpc::CompletionQueue& queue) {
    call.reset();
    context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-api-key", api_key);
    context->set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    call = stub.PrepareUnaryCall(context.get(), method, request, &queue);
    started = Clock::now();
    call->StartCall();
    call->Finish(&response, &status, this);
  }

  void Release() {
    call.reset();
    context.reset();
  }
};

}  // namespace

std::string Fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

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

Latencies Summarize(std::vector<double> samples_ms) {
  Latencies result;
  if (samples_ms.empty()) {
    return result;
  }
  std::sort(samples_ms.begin(), samples_ms.end());
  const auto rank = [&](double quantile) {
    const auto index =
        static_cast<size_t>(std::ceil(quantile * static_cast<double>(samples_ms.size())));
    return samples_ms[std::min(samples_ms.size(), std::max<size_t>(index, 1)) - 1];
  };
  result.p50_ms = rank(0.50);
  result.p99_ms = rank(0.99);
  return result;
}

LoadResult RunClosedLoop(grpc::GenericStub& stub, const std::string& method,
                         const std::vector<std::string>& requests, const std::string& api_key,
                         int in_flight, std::chrono::seconds duration) {
  std::vector<grpc::ByteBuffer> buffers;
  for (const auto& request : requests) {
    buffers.push_back(ToBuffer(request));
  }
  LoadResult result;
  grpc::CompletionQueue queue;
  std::vector<Slot> slots(static_cast<size_t>(in_flight));
  size_t next = 0;
  const auto begin = Clock::now();
  const auto end = begin + duration;
  for (auto& slot : slots) {
    slot.Start(stub, method, buffers[next++ % buffers.size()], api_key, queue);
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
      slot.Start(stub, method, buffers[next++ % buffers.size()], api_key, queue);
    } else {
      slot.Release();
      --outstanding;
    }
  }
  result.elapsed_s = std::chrono::duration<double>(last - begin).count();
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

grpc::Status CallOnce(grpc::GenericStub& stub, const std::string& method,
                      const std::string& request, const std::string& api_key,
                      std::string* response) {
  grpc::CompletionQueue queue;
  Slot slot;
  slot.Start(stub, method, ToBuffer(request), api_key, queue);
  void* tag = nullptr;
  bool ok = false;
  const bool got = queue.Next(&tag, &ok);
  slot.Release();  // the call holds on to the queue; let it go before the queue does
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!got || !ok) {
    return grpc::Status(grpc::StatusCode::UNKNOWN, "completion queue returned no result");
  }
  if (response != nullptr) {
    *response = Flatten(slot.response);
  }
  return slot.status;
}

Figure QpsFigure(const std::string& name, const LoadResult& load, int in_flight, bool* clean) {
  const Latencies latencies = Summarize(load.latencies_ms);
  Figure figure;
  figure.name = name;
  figure.value = Fixed(load.qps(), 0) + " qps";
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

Figure RatioFigure(const std::string& name, const LoadResult& subject, const LoadResult& health,
                   double target) {
  const double ratio = health.qps() > 0 ? subject.qps() / health.qps() : 0;
  Figure figure;
  figure.name = name;
  figure.value = Fixed(ratio, 2);
  figure.target = ">= " + Fixed(target, 2);
  figure.met = ratio >= target ? "yes" : "no";
  return figure;
}

}  // namespace clienttier::bench
