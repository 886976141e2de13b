// rfm-bench: how fast scoring's population pass is (a benchmark that prints numbers, not a
// pass/fail test).
//
//   rfm-bench [--rows=10000000] [--clients=1000000] [--dir=/tmp]
//
// 1. Writes (or reuses: the seed is fixed, so the content is too) a CSV
//    `client_id,ts,amount_minor` of `rows` purchases over `clients` dense integer client ids,
//    ts in Unix seconds over the three years up to kAsOfDay, and prints its path, so the same
//    figures can be checked with pandas:
//      day = ts // 86400; window = day > as_of_day - 365; recency = as_of_day - max(day)
// 2. Parses it (timed on its own).
// 3. Times the computation for every client: aggregation from the parsed rows, RFM breakpoints
//    (quintiles), R/F/M scores, cells, segments and spend tiers. Target <= 0.3 s.
//
// Exit code 0 when it ran (target met or not), 1 on I/O failure, 2 for bad arguments.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "common/hash/hash.h"
#include "services/scoring/domain/rfm.h"
#include "services/scoring/domain/scoring_config.h"
#include "services/scoring/domain/spend_tier.h"

namespace {

using clienttier::SplitMix64;
using clienttier::scoring::ClassifySpendTier;
using clienttier::scoring::ComputeRfmBreakpoints;
using clienttier::scoring::DefaultScoringConfig;
using clienttier::scoring::ExposureDays;
using clienttier::scoring::Name;
using clienttier::scoring::RfmBreakpoints;
using clienttier::scoring::RfmInput;
using clienttier::scoring::RfmScore;
using clienttier::scoring::RfmSegment;
using clienttier::scoring::ScoreRfm;
using clienttier::scoring::ScoringConfig;
using clienttier::scoring::SpendTier;

constexpr int64_t kAsOfDay = 20'000;  // 2024-10-04
constexpr int64_t kHistoryDays = 3 * 365;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr uint64_t kSeed = 20'240'601;
constexpr double kTargetSeconds = 0.3;

// SplitMix64: a fixed, portable sequence (std:: distributions differ between libraries, and
// the file must be the same wherever it is generated).
class Random {
 public:
  explicit Random(uint64_t seed) : generator_(seed) {}
  uint64_t Next() { return generator_.Next(); }
  double Unit() { return generator_.NextUnit(); }

 private:
  SplitMix64 generator_;
};

struct Options {
  int64_t rows = 10'000'000;
  int64_t clients = 1'000'000;
  std::string dir = "/tmp";
};

struct Rows {
  std::vector<int32_t> client;
  std::vector<int64_t> ts;
  std::vector<int64_t> amount_minor;
};

// 24 bytes per client so one row touches one cache line of the aggregate.
struct ClientAggregate {
  int32_t first_day = INT32_MAX;
  int32_t last_day = -1;
  int32_t window_purchases = 0;
  int32_t padding = 0;
  int64_t window_spend_minor = 0;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool ParseFlag(const std::string& arg, const char* name, std::string& value) {
  const std::string prefix = std::string("--") + name + "=";
  if (arg.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  value = arg.substr(prefix.size());
  return true;
}

bool ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    if (ParseFlag(arg, "rows", value)) {
      options.rows = std::strtoll(value.c_str(), nullptr, 10);
    } else if (ParseFlag(arg, "clients", value)) {
      options.clients = std::strtoll(value.c_str(), nullptr, 10);
    } else if (ParseFlag(arg, "dir", value)) {
      options.dir = value;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return false;
    }
  }
  return options.rows > 0 && options.clients > 0 && options.clients <= INT32_MAX;
}

// Writes digits of a non-negative value backwards from `end`; returns the new start.
char* WriteDigits(uint64_t value, char* end) {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

void AppendNumber(std::string& out, uint64_t value) {
  char digits[24];
  char* const end = digits + sizeof(digits);
  const char* start = WriteDigits(value, end);
  out.append(start, static_cast<size_t>(end - start));
}

// A skewed book of business, as DESIGN.md describes: client = clients * u^2 gives low ids many
// purchases and most clients a handful; one purchase in twenty is ten times the usual size.
bool GenerateCsv(const std::string& path, const Options& options) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file) {
    return false;
  }
  Random random(kSeed);
  std::string chunk = "client_id,ts,amount_minor\n";
  const int64_t first_day = kAsOfDay - kHistoryDays + 1;
  for (int64_t row = 0; row < options.rows; ++row) {
    const double u = random.Unit();
    const auto client = static_cast<uint64_t>(u * u * static_cast<double>(options.clients));
    const auto day = static_cast<uint64_t>(first_day) + random.Next() % kHistoryDays;
    const uint64_t ts = day * kSecondsPerDay + random.Next() % kSecondsPerDay;
    uint64_t amount = 2'000 + random.Next() % 48'000;
    if (random.Next() % 20 == 0) {
      amount *= 10;
    }
    AppendNumber(chunk, client);
    chunk.push_back(',');
    AppendNumber(chunk, ts);
    chunk.push_back(',');
    AppendNumber(chunk, amount);
    chunk.push_back('\n');
    if (chunk.size() > (1u << 20)) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), file.get()) != chunk.size()) {
        return false;
      }
      chunk.clear();
    }
  }
  return std::fwrite(chunk.data(), 1, chunk.size(), file.get()) == chunk.size();
}

bool ReadFile(const std::string& path, std::string& content) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file || std::fseek(file.get(), 0, SEEK_END) != 0) {
    return false;
  }
  const long size = std::ftell(file.get());
  if (size < 0 || std::fseek(file.get(), 0, SEEK_SET) != 0) {
    return false;
  }
  content.resize(static_cast<size_t>(size));
  return std::fread(content.data(), 1, content.size(), file.get()) == content.size();
}

int64_t ParseUnsigned(const char*& cursor) {
  int64_t value = 0;
  while (*cursor >= '0' && *cursor <= '9') {
    value = value * 10 + (*cursor - '0');
    ++cursor;
  }
  return value;
}

bool ParseCsv(const std::string& content, Rows& rows) {
  const char* cursor = content.c_str();
  const char* const end = cursor + content.size();
  while (cursor < end && *cursor != '\n') {
    ++cursor;  // header
  }
  while (cursor < end) {
    ++cursor;  // the newline ending the previous line
    if (cursor >= end) {
      break;
    }
    const int64_t client = ParseUnsigned(cursor);
    if (*cursor++ != ',') {
      return false;
    }
    const int64_t ts = ParseUnsigned(cursor);
    if (*cursor++ != ',') {
      return false;
    }
    const int64_t amount = ParseUnsigned(cursor);
    if (cursor < end && *cursor != '\n') {
      return false;
    }
    rows.client.push_back(static_cast<int32_t>(client));
    rows.ts.push_back(ts);
    rows.amount_minor.push_back(amount);
  }
  return true;
}

struct Result {
  int64_t purchasers = 0;
  RfmBreakpoints breakpoints;
  std::vector<int16_t> cells;        // R*100 + F*10 + M, 0 without a purchase
  std::vector<uint8_t> segments;     // RfmSegment
  std::vector<uint8_t> spend_tiers;  // SpendTier
  double aggregate_seconds = 0.0;
  double breakpoint_seconds = 0.0;
  double score_seconds = 0.0;
};

Result Compute(const Rows& rows, int64_t client_count, const ScoringConfig& config) {
  Result result;
  auto start = std::chrono::steady_clock::now();
  std::vector<ClientAggregate> aggregates(static_cast<size_t>(client_count));
  const int64_t window_start = kAsOfDay - config.rfm.window_days;  // window: day > this
  const size_t row_count = rows.client.size();
  // Rows arrive in no particular client order; fetching the aggregate a few rows ahead hides
  // most of the memory latency of the random access.
  constexpr size_t kPrefetchDistance = 16;
  for (size_t i = 0; i < row_count; ++i) {
    if (i + kPrefetchDistance < row_count) {
      __builtin_prefetch(&aggregates[static_cast<size_t>(rows.client[i + kPrefetchDistance])], 1);
    }
    ClientAggregate& aggregate = aggregates[static_cast<size_t>(rows.client[i])];
    const auto day = static_cast<int32_t>(rows.ts[i] / kSecondsPerDay);
    aggregate.first_day = day < aggregate.first_day ? day : aggregate.first_day;
    aggregate.last_day = day > aggregate.last_day ? day : aggregate.last_day;
    if (day > window_start) {
      aggregate.window_purchases += 1;
      aggregate.window_spend_minor += rows.amount_minor[i];
    }
  }
  std::vector<RfmInput> inputs;
  inputs.reserve(aggregates.size());
  for (const ClientAggregate& aggregate : aggregates) {
    if (aggregate.last_day >= 0) {
      inputs.push_back(RfmInput{kAsOfDay - aggregate.last_day, aggregate.window_purchases,
                                aggregate.window_spend_minor});
    }
  }
  result.purchasers = static_cast<int64_t>(inputs.size());
  result.aggregate_seconds = SecondsSince(start);

  start = std::chrono::steady_clock::now();
  result.breakpoints = ComputeRfmBreakpoints(inputs, config.rfm);
  result.breakpoint_seconds = SecondsSince(start);

  start = std::chrono::steady_clock::now();
  result.cells.assign(aggregates.size(), 0);
  result.segments.assign(aggregates.size(), 0);
  result.spend_tiers.assign(aggregates.size(), 0);
  size_t next_input = 0;
  for (size_t client = 0; client < aggregates.size(); ++client) {
    const ClientAggregate& aggregate = aggregates[client];
    if (aggregate.last_day < 0) {
      continue;
    }
    const RfmScore score = ScoreRfm(inputs[next_input++], result.breakpoints);
    result.cells[client] = static_cast<int16_t>(score.cell);
    result.segments[client] = static_cast<uint8_t>(score.segment);
    const int64_t exposure = ExposureDays(aggregate.first_day, kAsOfDay, config.rfm.window_days);
    result.spend_tiers[client] = static_cast<uint8_t>(
        ClassifySpendTier(aggregate.window_spend_minor, exposure, config.spend_tier));
  }
  result.score_seconds = SecondsSince(start);
  return result;
}

void PrintCuts(const char* name, const std::vector<int64_t>& cuts) {
  std::printf("  %-22s", name);
  for (const int64_t cut : cuts) {
    std::printf(" %" PRId64, cut);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, options)) {
    std::fprintf(stderr, "usage: rfm-bench [--rows=N] [--clients=N] [--dir=PATH]\n");
    return 2;
  }
  const std::string path = options.dir + "/rfm_bench_v1_" + std::to_string(options.rows) + "x" +
                           std::to_string(options.clients) + "_seed" + std::to_string(kSeed) +
                           ".csv";
  std::printf("csv: %s\n", path.c_str());
  std::printf("as_of_day: %" PRId64 " (window: day > %" PRId64 ")\n", kAsOfDay,
              kAsOfDay - DefaultScoringConfig().rfm.window_days);
  if (FILE* existing = std::fopen(path.c_str(), "rb")) {
    std::fclose(existing);
    std::printf("generate: reused\n");
  } else {
    const auto start = std::chrono::steady_clock::now();
    if (!GenerateCsv(path, options)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      std::remove(path.c_str());
      return 1;
    }
    std::printf("generate: %.2f s\n", SecondsSince(start));
  }

  Rows rows;
  {
    const auto start = std::chrono::steady_clock::now();
    std::string content;
    rows.client.reserve(static_cast<size_t>(options.rows));
    rows.ts.reserve(static_cast<size_t>(options.rows));
    rows.amount_minor.reserve(static_cast<size_t>(options.rows));
    if (!ReadFile(path, content) || !ParseCsv(content, rows)) {
      std::fprintf(stderr, "cannot read or parse %s\n", path.c_str());
      return 1;
    }
    std::printf("parse: %.3f s (%zu rows, %.0f MB)\n", SecondsSince(start), rows.client.size(),
                static_cast<double>(content.size()) / 1e6);
  }

  const ScoringConfig config = DefaultScoringConfig();
  // The machine may be shared; several runs give the best (what the code can do) and the
  // median (what a busy node gives), and the first run pays for cold caches.
  constexpr int kRuns = 7;
  std::vector<double> totals;
  std::vector<double> cpu_totals;
  Result result;
  for (int run = 0; run < kRuns; ++run) {
    const std::clock_t cpu_start = std::clock();
    result = Compute(rows, options.clients, config);
    cpu_totals.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    const double total =
        result.aggregate_seconds + result.breakpoint_seconds + result.score_seconds;
    std::printf(
        "run %d: aggregate %.3f s, breakpoints %.3f s, score %.3f s, total %.3f s "
        "(cpu %.3f s)\n",
        run + 1, result.aggregate_seconds, result.breakpoint_seconds, result.score_seconds, total,
        cpu_totals.back());
    totals.push_back(total);
  }
  const double first = totals.front();
  std::sort(totals.begin(), totals.end());
  const double best = totals.front();
  const double median = totals[totals.size() / 2];
  std::printf(
      "computation of %d runs: first %.3f s, best %.3f s, median %.3f s "
      "(target <= %.1f s: %s)\n",
      kRuns, first, best, median, kTargetSeconds,
      median <= kTargetSeconds ? "met" : "MISSED at the median");
  // The row bench/run-all collects into its table.
  std::printf("| rfm_1m_clients_10m_tx (median of %d) | %.3f s | <= %.1f s | - | - | %s |\n", kRuns,
              median, kTargetSeconds, median <= kTargetSeconds ? "yes" : "no");
  // CPU time leaves out the time other processes had the core: the figure to compare on a
  // shared machine.
  std::sort(cpu_totals.begin(), cpu_totals.end());
  std::printf("cpu time of %d runs: best %.3f s, median %.3f s\n", kRuns, cpu_totals.front(),
              cpu_totals[cpu_totals.size() / 2]);

  std::printf("clients: %" PRId64 ", with a purchase: %" PRId64 "\n", options.clients,
              result.purchasers);
  std::printf("breakpoints (quintile cuts, inclusive upper edges):\n");
  PrintCuts("recency_days", result.breakpoints.recency_cuts_days);
  PrintCuts("frequency_365d", result.breakpoints.frequency_cuts);
  PrintCuts("monetary_365d_minor", result.breakpoints.monetary_cuts_minor);
  std::vector<int64_t> segment_counts(12, 0);
  std::vector<int64_t> tier_counts(5, 0);
  for (size_t client = 0; client < result.cells.size(); ++client) {
    if (result.cells[client] != 0) {
      ++segment_counts[result.segments[client]];
      ++tier_counts[result.spend_tiers[client]];
    }
  }
  std::printf("segments:\n");
  for (size_t segment = 1; segment < segment_counts.size(); ++segment) {
    std::printf("  %-20s %" PRId64 "\n", Name(static_cast<RfmSegment>(segment)),
                segment_counts[segment]);
  }
  std::printf("spend tiers:\n");
  for (size_t tier = 1; tier < tier_counts.size(); ++tier) {
    std::printf("  %-20s %" PRId64 "\n", Name(static_cast<SpendTier>(tier)), tier_counts[tier]);
  }
  return 0;
}
