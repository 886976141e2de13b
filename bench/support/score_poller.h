#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"

namespace clienttier::bench {

// A purchase whose effect on GetScore is known: its client's lifetime purchases reach
// `expected_purchases` once scoring has applied it.
struct ScoreProbe {
  std::string client_id;
  int client = 0;  // the caller's index of the client
  int64_t expected_purchases = 0;
  std::chrono::steady_clock::time_point recorded_at;  // RecordTransactions returned OK
};

struct ScorePollerOptions {
  std::string api_key;
  int threads = 2;
  // A young probe is polled this often; later every tenth of its age (at most every 2 s), so a
  // scoring that is minutes behind is not flooded with GetScore calls by the benchmark itself.
  std::chrono::milliseconds interval{10};
};

// Polls scoring's GetScore (the production read, cache included) for each probe until its
// purchase shows, and records how long after RecordTransactions' OK that was.
class ScorePoller {
 public:
  // `seen(client)` is called (on a poller thread) once a probe's purchase shows.
  ScorePoller(std::shared_ptr<grpc::Channel> scoring, ScorePollerOptions options,
              std::function<void(int)> seen);
  ~ScorePoller();
  ScorePoller(const ScorePoller&) = delete;
  ScorePoller& operator=(const ScorePoller&) = delete;

  void Add(ScoreProbe probe);
  // Waits until every probe was seen or `deadline` passed; the ones left are counted unseen.
  void Finish(std::chrono::steady_clock::time_point deadline);

  // Valid after Finish.
  const std::vector<double>& latencies_ms() const { return latencies_ms_; }
  // When each of those probes was recorded (RecordTransactions OK), in the same order.
  const std::vector<std::chrono::steady_clock::time_point>& recorded_at() const {
    return recorded_at_;
  }
  int64_t unseen() const { return unseen_; }
  int64_t polls() const { return polls_; }
  int64_t failed_polls() const { return failed_polls_; }
  const std::string& first_error() const { return first_error_; }

 private:
  struct Due {
    std::chrono::steady_clock::time_point at;
    ScoreProbe probe;
    bool operator>(const Due& other) const { return at > other.at; }
  };

  void Run();
  // True when the probe's purchase shows in the client's score.
  bool Shows(scoring::v1::ScoringService::Stub& stub, const ScoreProbe& probe);

  std::shared_ptr<grpc::Channel> channel_;
  ScorePollerOptions options_;
  std::function<void(int)> seen_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
  size_t polling_ = 0;  // taken off the queue, GetScore in progress
  bool finishing_ = false;
  std::chrono::steady_clock::time_point deadline_;
  std::vector<double> latencies_ms_;
  std::vector<std::chrono::steady_clock::time_point> recorded_at_;
  int64_t unseen_ = 0;
  int64_t polls_ = 0;
  int64_t failed_polls_ = 0;
  std::string first_error_;
  std::vector<std::thread> threads_;
};

}  // namespace clienttier::bench
