#include "common/observability/metrics.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace clienttier {

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  std::sort(upper_bounds_.begin(), upper_bounds_.end());
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    buckets_[i].store(0);
  }
}

void Histogram::Observe(double value) {
  const auto bucket = static_cast<size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::llround(std::max(0.0, value) * 1e6)),
                       std::memory_order_relaxed);
}

void Histogram::Snapshot(std::vector<uint64_t>* cumulative, double* sum, uint64_t* count) const {
  cumulative->assign(upper_bounds_.size() + 1, 0);
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    (*cumulative)[i] = running;
  }
  *sum = static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
  *count = running;
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(const std::string& name,
                                                    const std::string& type,
                                                    const std::string& help) {
  auto& family = families_[name];
  if (family.type.empty()) {
    family.type = type;
    family.help = help;
  } else if (family.type != type) {
    throw std::logic_error("metric " + name + " registered as " + family.type + " and " + type);
  }
  return family;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = FamilyFor(name, "counter", help).counters[labels];
  if (!slot) {
    slot = std::make_unique<Counter>();
  }
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& upper_bounds,
                                         const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = FamilyFor(name, "histogram", help).histograms[labels];
  if (!slot) {
    slot = std::make_unique<Histogram>(upper_bounds);
  }
  return *slot;
}

void MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                               const Labels& labels, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mutex_);
  FamilyFor(name, "gauge", help).gauges[labels] = std::move(read);
}

namespace {

std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string LabelText(const Labels& labels, const std::string& extra_key = "",
                      const std::string& extra_value = "") {
  std::string text;
  for (const auto& [key, value] : labels) {
    text += (text.empty() ? "" : ",") + key + "=\"" + Escape(value) + "\"";
  }
  if (!extra_key.empty()) {
    text += (text.empty() ? "" : ",") + extra_key + "=\"" + extra_value + "\"";
  }
  return text.empty() ? "" : "{" + text + "}";
}

std::string Number(double value) {
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

}  // namespace

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  for (const auto& [name, family] : families_) {
    out << "# HELP " << name << ' ' << family.help << "\n# TYPE " << name << ' ' << family.type
        << '\n';
    for (const auto& [labels, counter] : family.counters) {
      out << name << LabelText(labels) << ' ' << counter->value() << '\n';
    }
    for (const auto& [labels, read] : family.gauges) {
      out << name << LabelText(labels) << ' ' << Number(read()) << '\n';
    }
    for (const auto& [labels, histogram] : family.histograms) {
      std::vector<uint64_t> cumulative;
      double sum = 0;
      uint64_t count = 0;
      histogram->Snapshot(&cumulative, &sum, &count);
      const auto& bounds = histogram->upper_bounds();
      for (size_t i = 0; i < bounds.size(); ++i) {
        out << name << "_bucket" << LabelText(labels, "le", Number(bounds[i])) << ' '
            << cumulative[i] << '\n';
      }
      out << name << "_bucket" << LabelText(labels, "le", "+Inf") << ' ' << count << '\n';
      out << name << "_sum" << LabelText(labels) << ' ' << Number(sum) << '\n';
      out << name << "_count" << LabelText(labels) << ' ' << count << '\n';
    }
  }
  return out.str();
}

std::vector<double> MetricsRegistry::DelayBucketsSeconds() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
}

std::vector<double> MetricsRegistry::LatencyBucketsSeconds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

}  // namespace clienttier
