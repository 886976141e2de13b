#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace clienttier {

// A minimal Prometheus registry: counters and histograms with labels, and gauges read from a
// callback at scrape time. Handles returned by the registry live as long as the registry, so
// hot paths look a series up once and keep the pointer.
using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Cumulative counts per bucket (the last is +Inf), the sum and the count.
  void Snapshot(std::vector<uint64_t>* cumulative, double* sum, uint64_t* count) const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // sum in millionths, so it can be atomic
};

class MetricsRegistry {
 public:
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& upper_bounds, const Labels& labels = {});
  void AddGauge(const std::string& name, const std::string& help, const Labels& labels,
                std::function<double()> read);
  // The Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

  // Latency buckets in seconds (Prometheus' base unit), 0.1 ms to 10 s.
  static std::vector<double> LatencyBucketsSeconds();
  // For how late an event is along the pipeline (commit to publish, publish to applied),
  // 5 ms to 5 min: a consumer that waited out a claim is 30 s behind.
  static std::vector<double> DelayBucketsSeconds();

 private:
  struct Family {
    std::string type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::function<double()>> gauges;
  };
  Family& FamilyFor(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace clienttier
