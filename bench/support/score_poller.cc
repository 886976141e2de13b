#include "bench/support/score_poller.h"

#include <algorithm>

#include "bench/support/profile_clients.h"

namespace clienttier::bench {

namespace sv1 = ::clienttier::scoring::v1;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kMaxInterval = std::chrono::seconds(2);
constexpr auto kGetScoreTimeout = std::chrono::seconds(5);

}  // namespace

ScorePoller::ScorePoller(std::shared_ptr<grpc::Channel> scoring, ScorePollerOptions options,
                         std::function<void(int)> seen)
    : channel_(std::move(scoring)), options_(std::move(options)), seen_(std::move(seen)) {
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] { Run(); });
  }
}

ScorePoller::~ScorePoller() {
  if (!finishing_) {
    Finish(Clock::now());
  }
}

void ScorePoller::Add(ScoreProbe probe) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto at = probe.recorded_at;
    due_.push(Due{at, std::move(probe)});
  }
  changed_.notify_one();
}

void ScorePoller::Finish(Clock::time_point deadline) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
    deadline_ = deadline;
  }
  changed_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
  threads_.clear();
  unseen_ += static_cast<int64_t>(due_.size());
  due_ = {};
}

bool ScorePoller::Shows(sv1::ScoringService::Stub& stub, const ScoreProbe& probe) {
  sv1::GetScoreRequest request;
  request.set_client_id(probe.client_id);
  sv1::Score score;
  auto context = KeyedContext(options_.api_key, kGetScoreTimeout);
  const grpc::Status status = stub.GetScore(context.get(), request, &score);
  const std::lock_guard<std::mutex> lock(mutex_);
  ++polls_;
  // NOT_FOUND: scoring has not heard of the client yet, which is "not shown yet" as well.
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
    ++failed_polls_;
    if (first_error_.empty()) {
      first_error_ = Describe(status);
    }
  }
  return status.ok() && score.lifetime_purchases() >= probe.expected_purchases;
}

void ScorePoller::Run() {
  auto stub = sv1::ScoringService::NewStub(channel_);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (finishing_ && (Clock::now() >= deadline_ || (due_.empty() && polling_ == 0))) {
      return;
    }
    if (due_.empty()) {
      changed_.wait_for(lock, std::chrono::milliseconds(50));
      continue;
    }
    if (due_.top().at > Clock::now()) {
      changed_.wait_until(lock,
                          std::min(due_.top().at, Clock::now() + std::chrono::milliseconds(50)));
      continue;
    }
    ScoreProbe probe = due_.top().probe;
    due_.pop();
    ++polling_;
    lock.unlock();
    const bool shows = Shows(*stub, probe);
    const auto now = Clock::now();
    if (shows) {
      seen_(probe.client);
    }
    lock.lock();
    --polling_;
    if (shows) {
      latencies_ms_.push_back(
          std::chrono::duration<double, std::milli>(now - probe.recorded_at).count());
      recorded_at_.push_back(probe.recorded_at);
    } else {
      const auto age = now - probe.recorded_at;
      const auto wait = std::min<Clock::duration>(
          std::max<Clock::duration>(options_.interval, age / 10), kMaxInterval);
      due_.push(Due{now + wait, std::move(probe)});
    }
    changed_.notify_all();
  }
}

}  // namespace clienttier::bench
