// rescore-bench: a full rescoring of a large tenant from its aggregates, as BatchRescore does
// it: CLV for every client (fitted BG/NBD + Gamma-Gamma), the population statistics (RFM
// breakpoints, quadrant cuts), then every client's score with every dimension, tier and churn
// warning. Prints the computation time (target <= 1 s for 1,000,000 clients on 2 cores) and,
// when CT_MYSQL_* point at a MariaDB (bench/run-scoring-bench.sh starts one), the time to also
// write the snapshot (scores rows with their serialized Score) into it (target <= 20 s).
//
//   rescore-bench [--clients=1000000] [--threads=2] [--no-write]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <cppconn/statement.h>

#include "common/config/config_reader.h"
#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/domain/clv.h"
#include "services/scoring/domain/facts_builder.h"
#include "services/scoring/domain/population_stats.h"
#include "services/scoring/domain/score.h"
#include "services/scoring/scoring_app.h"
#include "services/scoring/scoring_mapping.h"
#include "services/scoring/storage/score_store.h"

namespace {

using namespace clienttier::scoring;  // NOLINT: a benchmark's main file
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A tenant shaped like the demo's: most clients buy once, some a few times, a loyal few often.
std::vector<ClientFacts> GenerateTenant(size_t clients, Day as_of) {
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<ClientFacts> tenant(clients);
  for (size_t i = 0; i < clients; ++i) {
    ClientFacts& facts = tenant[i];
    facts.client_id = "c" + std::to_string(i);
    const double kind = unit(random);
    const int64_t days = kind < 0.55 ? 1 : kind < 0.85 ? 2 + static_cast<int64_t>(unit(random) * 4)
                                                        : 6 + static_cast<int64_t>(unit(random) * 19);
    facts.first_purchase_day = as_of - 1 - static_cast<Day>(unit(random) * 1000);
    facts.last_purchase_day =
        days == 1 ? facts.first_purchase_day
                  : facts.first_purchase_day +
                        static_cast<Day>(unit(random) * static_cast<double>(as_of - facts.first_purchase_day));
    facts.purchase_days = days;
    facts.purchase_count = days + (unit(random) < 0.2 ? 1 : 0);
    facts.session_count = facts.purchase_count / 2;
    facts.first_day_spend_minor = 30000 + static_cast<int64_t>(unit(random) * 60000);
    facts.spend_minor = facts.first_day_spend_minor;
    for (int64_t d = 1; d < days; ++d) {
      facts.spend_minor += 30000 + static_cast<int64_t>(unit(random) * 90000);
    }
    facts.active_months = std::min<int64_t>(days, 1 + (facts.last_purchase_day - facts.first_purchase_day) / 30);
    const double recent_share = as_of - facts.last_purchase_day < 365 ? 0.6 : 0.0;
    facts.purchases_365d = static_cast<int64_t>(recent_share * static_cast<double>(facts.purchase_count) + 0.5);
    facts.spend_365d_minor = static_cast<int64_t>(recent_share * static_cast<double>(facts.spend_minor));
    facts.purchases_90d = as_of - facts.last_purchase_day < 90 ? 1 : 0;
    facts.spend_90d_minor = facts.purchases_90d * 40000;
    facts.last_activity_day = facts.last_purchase_day;
    facts.last_login_day = unit(random) < 0.5 ? facts.last_purchase_day : kNever;
    facts.events_attended = static_cast<int64_t>(unit(random) * 3);
    facts.shares = unit(random) < 0.1 ? 1 : 0;
  }
  return tenant;
}

// Runs body(begin, end) over [0, n) split across `threads`.
template <typename Body>
void Parallel(size_t n, int threads, Body body) {
  std::vector<std::thread> workers;
  const size_t step = (n + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
  for (size_t begin = 0; begin < n; begin += step) {
    workers.emplace_back(body, begin, std::min(n, begin + step));
  }
  for (auto& worker : workers) {
    worker.join();
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t clients = 1000000;
  int threads = 2;
  bool write = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--clients=", 0) == 0) {
      clients = std::stoul(arg.substr(10));
    } else if (arg.rfind("--threads=", 0) == 0) {
      threads = std::max(1, std::stoi(arg.substr(10)));
    } else if (arg == "--no-write") {
      write = false;
    } else {
      std::fprintf(stderr, "usage: rescore-bench [--clients=N] [--threads=N] [--no-write]\n");
      return 2;
    }
  }
  const Day as_of = DayFromCivil({2026, 11, 23});
  auto start = Clock::now();
  const std::vector<ClientFacts> tenant = GenerateTenant(clients, as_of);
  std::printf("generate: %zu clients in %.2f s (not counted)\n", clients, SecondsSince(start));

  // The model a FitClvModel would have stored (fitted on this tenant, not counted).
  std::vector<RepeatSummary> histories;
  std::vector<SpendSummary> spends;
  for (const ClientFacts& facts : tenant) {
    const ClvClient clv = ClvClientFromFacts(facts, as_of);
    histories.push_back(clv.history);
    if (clv.history.x >= 1 && clv.mean_repeat_spend > 0) {
      spends.push_back(SpendSummary{clv.history.x, clv.mean_repeat_spend});
    }
  }
  start = Clock::now();
  const ClvModel model = SelectClvModel(FitBgNbd(histories), FitGammaGamma(spends));
  std::printf("fit: %.2f s (not counted; bench/clv-fit-bench times it), model %s\n",
              SecondsSince(start), model.fallback_reason.empty() ? "usable" : model.fallback_reason.c_str());

  const ScoringConfig config = DefaultScoringConfig();
  ClvOptions clv_options;
  clv_options.horizon_months = static_cast<int>(config.clv.horizon_months);
  clv_options.monthly_discount_rate = config.clv.monthly_discount_rate;

  const auto computation = Clock::now();
  std::vector<ClvEstimate> estimates(clients);
  Parallel(clients, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      estimates[i] = ToClvEstimate(EstimateClv(ClvClientFromFacts(tenant[i], as_of), model, clv_options));
    }
  });
  const double clv_seconds = SecondsSince(computation);
  start = Clock::now();
  const PopulationStats population = ComputePopulationStats(tenant, estimates, config, as_of, 1);
  const double population_seconds = SecondsSince(start);
  start = Clock::now();
  std::vector<ClientScore> scores(clients);
  Parallel(clients, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      scores[i] = ScoreClient(tenant[i], population, estimates[i], config, TierState{}, std::nullopt, as_of);
    }
  });
  const double score_seconds = SecondsSince(start);
  const double total = SecondsSince(computation);
  std::printf("clv: %.3f s, population: %.3f s, scores: %.3f s (%d threads)\n", clv_seconds,
              population_seconds, score_seconds, threads);
  std::printf("rescore_computation_1m: %.3f s for %zu clients (target <= 1 s: %s)\n", total,
              clients, total <= 1.0 ? "met" : "NOT met");
  int64_t t1 = 0;
  for (const auto& score : scores) {
    t1 += score.tier.tier == Tier::kT1 ? 1 : 0;
  }
  std::printf("tiers: %lld T1 of %zu\n", static_cast<long long>(t1), clients);
  std::printf("| rescore_computation_%zu_clients | %.3f s | <= 1 s | - | - | %s |\n", clients, total,
              total <= 1.0 ? "yes" : "no");

  if (!write) {
    return 0;
  }
  if (std::getenv("CT_MYSQL_PORT") == nullptr) {
    std::printf("snapshot write: skipped (no CT_MYSQL_PORT; run bench/run-scoring-bench.sh)\n");
    return 0;
  }
  clienttier::ConfigReader reader(std::vector<std::string>{},
                                  {{"CT_MYSQL_HOST", std::getenv("CT_MYSQL_HOST")},
                                   {"CT_MYSQL_PORT", std::getenv("CT_MYSQL_PORT")},
                                   {"CT_MYSQL_USER", std::getenv("CT_MYSQL_USER")},
                                   {"CT_MYSQL_PASSWORD", std::getenv("CT_MYSQL_PASSWORD")}});
  clienttier::MySqlConfig mysql = clienttier::ReadMySqlConfig(reader, "ct_rescore_bench");
  ScoringApp::Migrate(mysql);
  clienttier::MySqlPool pool(mysql, nullptr);
  pool.WithConnection([](sql::Connection& connection) {
    std::unique_ptr<sql::Statement>(connection.createStatement())->execute("TRUNCATE TABLE scores");
  });
  const auto writing = Clock::now();
  const clienttier::UnixMicros now_micros = as_of * clienttier::kMicrosPerDay;
  constexpr size_t kChunk = 2000;
  for (size_t begin = 0; begin < clients; begin += kChunk) {
    const size_t end = std::min(clients, begin + kChunk);
    std::vector<StoredScore> rows;
    rows.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      rows.push_back(StoredScore{ScoreToProto(scores[i], tenant[i], ScoreContext{"CNY", 1, now_micros}),
                                 scores[i].tier.state});
    }
    pool.InTransaction([&](sql::Connection& connection) {
      ScoreStore::UpsertMany(connection, "bench-tenant", rows);
    });
  }
  const double write_seconds = SecondsSince(writing);
  std::printf("snapshot write: %.2f s (%.0f rows/s)\n", write_seconds,
              static_cast<double>(clients) / write_seconds);
  std::printf("rescore_with_snapshot_1m: %.2f s (target <= 20 s: %s)\n", total + write_seconds,
              total + write_seconds <= 20.0 ? "met" : "NOT met");
  std::printf("| rescore_with_snapshot_%zu_clients | %.2f s | <= 20 s | - | - | %s |\n", clients,
              total + write_seconds, total + write_seconds <= 20.0 ? "yes" : "no");
  return 0;
}
