// rescore-bench: BatchRescore of a 1,000,000-client tenant end to end, the production path: the
// BatchRescore RPC of an in-process scoring server (ScoringApp, the wiring of its main.cc, with
// the profile consumer and the outbox relay off) over the real MariaDB and Redis named by
// CT_MYSQL_* / CT_REDIS_* (bench/run-all's stack).
//
// Not timed: seeding the tenant directly into client_aggregates and client_activity_days (drawn
// from the BG/NBD and Gamma-Gamma models, so every CLV takes the fitted model's path) and the
// FitClvModel RPC. Timed, from the call to the last progress message: reading every aggregate
// and paid day, one CLV estimate per client, the population statistics (computed and stored),
// every client's previous score and override, every score, writing every score row (and any
// tier history and outbox rows) and dropping the cached scores in Redis. Run 1 inserts the
// scores; later runs rewrite existing ones (the usual case). Peak RSS is the process's (the
// server and this client) during the timed run: VmHWM after resetting it before the call.
//
// Then (unless --no-write-limit) the bulk write rate MariaDB allows for such rows, the limit
// the timed figure is compared with (MeasureWriteLimit).
//
//   rescore-bench [--clients=1000000] [--runs=2] [--no-write-limit]
#include <grpcpp/grpcpp.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "bench/support/bgnbd_simulation.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/auth/api_key_store.h"
#include "common/config/config_reader.h"
#include "common/db/mysql_pool.h"
#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/calendar_days.h"
#include "services/scoring/scoring_app.h"
#include "services/scoring/storage/mysql/mysql_score_repository.h"

extern char** environ;

namespace {

using namespace clienttier::scoring;  // NOLINT: a benchmark's main file
using Clock = std::chrono::steady_clock;

constexpr char kTenant[] = "bench-tenant";
constexpr char kApiKey[] = "rescore-bench-key";

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The CT_* variables of the environment (the stack's MariaDB and Redis).
std::map<std::string, std::string> StackEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const size_t equals = text.find('=');
    if (text.rfind("CT_", 0) == 0 && equals != std::string::npos) {
      env.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  return env;
}

// Peak resident set of this process in MiB since the last ResetPeakRss (VmHWM).
double PeakRssMib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return -1;
}

void ResetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";  // resets VmHWM to the current RSS (Linux >= 4.0)
}

void Execute(sql::Connection& connection, const std::string& sql) {
  std::unique_ptr<sql::Statement>(connection.createStatement())->execute(sql);
}

// Seeds `clients` clients c0000000.. as client-profile's events would have left their
// aggregates: x + 1 paid days between first and last purchase, the simulated mean spend on
// each. Two connections insert at once, 2,000 clients per statement pair.
void SeedTenant(clienttier::MySqlPool& pool, size_t clients, Day as_of) {
  std::vector<RepeatSummary> histories;
  std::vector<SpendSummary> spends;
  clienttier::bench::Simulate(clients, BgNbdParams{0.24, 30.87, 0.79, 2.43},
                              GammaGammaParams{6.25, 3.74, 1544.0}, 42, &histories, &spends);
  const auto seed_range = [&](size_t from, size_t to) {
    pool.WithConnection([&](sql::Connection& connection) {
      for (size_t begin = from; begin < to; begin += 2000) {
        std::string aggregates =
            "INSERT INTO client_aggregates (tenant_id, client_id, last_activity_day, "
            "last_login_day, events_attended, shares, updated_at) VALUES ";
        std::string days =
            "INSERT INTO client_activity_days (tenant_id, client_id, day, currency, purchases, "
            "sessions, spend_minor) VALUES ";
        bool first_day = true;
        for (size_t i = begin; i < std::min(to, begin + 2000); ++i) {
          char id[32];
          std::snprintf(id, sizeof id, "c%07zu", i);
          const RepeatSummary& history = histories[i];
          const Day first = as_of - static_cast<Day>(history.T);
          const Day last = first + static_cast<Day>(history.t_x);
          const int64_t repeats = static_cast<int64_t>(history.x);
          const int64_t spend = std::max<int64_t>(
              100, static_cast<int64_t>(spends[i].mean_spend > 0 ? spends[i].mean_spend : 3500));
          aggregates += std::string(i == begin ? "" : ",") + "('" + kTenant + "','" + id + "'," +
                        std::to_string(last) + "," + (i % 2 == 0 ? std::to_string(last) : "NULL") +
                        "," + std::to_string(i % 3) + "," + (i % 10 == 0 ? "1" : "0") +
                        ",'2026-11-23 00:00:00')";
          Day previous = kNever;
          for (int64_t k = 0; k <= repeats; ++k) {
            // Evenly spread over [first, last], never two on one day.
            Day day = repeats == 0 ? first : first + (last - first) * k / repeats;
            day = std::max(day, previous + 1);
            previous = day;
            days += std::string(first_day ? "" : ",") + "('" + kTenant + "','" + id + "'," +
                    std::to_string(day) + ",'CNY',1," + (k % 4 == 3 ? "1" : "0") + "," +
                    std::to_string(spend) + ")";
            first_day = false;
          }
        }
        Execute(connection, aggregates);
        Execute(connection, days);
      }
    });
  };
  std::thread other(seed_range, clients / 2, clients);
  seed_range(0, clients / 2);
  other.join();
}

// The bulk write rate MariaDB allows here for score rows like the run's (one real payload,
// client ids changed), inserting 1M rows into `scores` for a tenant of their own: (a) the
// production writer alone (MySqlScoreRepository::UpsertMany, 2,000 rows a transaction, two
// connections at once, as SnapshotWriter does) and (b) LOAD DATA LOCAL INFILE of a file written
// beforehand (not timed). Prints rows/s of each.
void MeasureWriteLimit(const clienttier::MySqlConfig& mysql, size_t rows) {
  clienttier::MySqlPool pool(mysql, nullptr);
  StoredScore sample;
  int64_t mean_payload = 0;
  pool.WithConnection([&](sql::Connection& connection) {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    std::unique_ptr<sql::ResultSet> row(statement->executeQuery(
        "SELECT payload, (SELECT AVG(LENGTH(payload)) FROM scores) FROM scores LIMIT 1"));
    if (row->next()) {
      sample.score.ParseFromString(row->getString(1));
      mean_payload = row->getInt64(2);
    }
  });
  std::printf("write limit: sample payload %zu bytes (mean of the run's %lld)\n",
              sample.score.ByteSizeLong(), static_cast<long long>(mean_payload));
  const auto id_of = [](size_t i) {
    char id[32];
    std::snprintf(id, sizeof id, "c%07zu", i);
    return std::string(id);
  };
  // (a) the production multi-row upsert, two writers.
  MySqlScoreRepository scores;
  clienttier::MySqlTransactionRunner transactions(pool);
  auto start = Clock::now();
  const auto upsert_range = [&](size_t from, size_t to) {
    std::vector<StoredScore> chunk;
    for (size_t begin = from; begin < to; begin += 2000) {
      chunk.clear();
      for (size_t i = begin; i < std::min(to, begin + 2000); ++i) {
        chunk.push_back(sample);
        chunk.back().score.set_client_id(id_of(i));
      }
      transactions.InTransaction([&](clienttier::Transaction& transaction) {
        scores.UpsertMany(transaction, "write-limit-upsert", chunk);
      });
    }
  };
  std::thread other(upsert_range, rows / 2, rows);
  upsert_range(0, rows / 2);
  other.join();
  const double upsert_seconds = SecondsSince(start);
  std::printf(
      "| write_limit_multi_row_upsert (UpsertMany, 2 writers, %zu new rows) | %.0f rows/s "
      "| - | - | - | - |\n",
      rows, static_cast<double>(rows) / upsert_seconds);
  // (b) LOAD DATA LOCAL INFILE.
  const std::string path = "/tmp/rescore-bench-load-" + std::to_string(getpid()) + ".tsv";
  {
    std::string payload = sample.score.SerializeAsString();
    std::string escaped;
    for (const char c : payload) {
      switch (c) {
        case '\\':
          escaped += "\\\\";
          break;
        case '\t':
          escaped += "\\t";
          break;
        case '\n':
          escaped += "\\n";
          break;
        case '\r':
          escaped += "\\r";
          break;
        case '\0':
          escaped += "\\0";
          break;
        default:
          escaped += c;
      }
    }
    std::ofstream file(path, std::ios::binary);
    for (size_t i = 0; i < rows; ++i) {
      file << "write-limit-load\t" << id_of(i) << "\t2026-11-23 00:00:00\t" << sample.score.score()
           << "\t1\t1\t1\tchampions\t0\t1000\t\\N\t1\t1\t1\t" << escaped << '\n';
    }
  }
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString("tcp://" + mysql.host + ":" + std::to_string(mysql.port));
  options["userName"] = sql::SQLString(mysql.user);
  options["password"] = sql::SQLString(mysql.password);
  options["schema"] = sql::SQLString(mysql.database);
  options["OPT_LOCAL_INFILE"] = 1;
  std::unique_ptr<sql::Connection> connection(
      sql::mysql::get_mysql_driver_instance()->connect(options));
  start = Clock::now();
  Execute(*connection,
          "LOAD DATA LOCAL INFILE '" + path +
              "' INTO TABLE scores (tenant_id, client_id, as_of, score, tier, lifecycle, quadrant, "
              "rfm_segment, churn_warning, value_12m_minor, below_since_day, config_version, "
              "model_version, population_version, payload)");
  const double load_seconds = SecondsSince(start);
  std::remove(path.c_str());
  std::printf(
      "| write_limit_load_data_local_infile (%zu new rows, one statement) | %.0f rows/s | "
      "- | - | - | - |\n",
      rows, static_cast<double>(rows) / load_seconds);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", kApiKey);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  return context;
}

}  // namespace

int main(int argc, char** argv) {
  size_t clients = 1000000;
  int runs = 2;
  bool write_limit = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--clients=", 0) == 0) {
      clients = std::stoul(arg.substr(10));
    } else if (arg == "--no-write-limit") {
      write_limit = false;
    } else if (arg.rfind("--runs=", 0) == 0) {
      runs = std::max(1, std::stoi(arg.substr(7)));
    } else {
      std::fprintf(stderr, "usage: rescore-bench [--clients=N] [--runs=N] [--no-write-limit]\n");
      return 2;
    }
  }
  if (std::getenv("CT_MYSQL_PORT") == nullptr || std::getenv("CT_REDIS_PORT") == nullptr) {
    std::fprintf(stderr,
                 "rescore-bench needs a MariaDB and a Redis: source a stack.env "
                 "(scripts/stack.sh start DIR; bench/run-all does)\n");
    return 2;
  }
  clienttier::ConfigReader reader(std::vector<std::string>{}, StackEnvironment());
  ScoringAppConfig config;
  config.mysql = clienttier::ReadMySqlConfig(reader, "ct_rescore_bench");
  config.mysql.database = "ct_rescore_bench";
  config.redis = clienttier::ReadRedisConfig(reader);
  config.run_consumer = false;
  config.run_relay = false;
  config.server.grpc_address = "127.0.0.1:0";
  config.server.metrics_host = "127.0.0.1";
  config.server.metrics_port = 0;
  config.server.drain_ms = 0;
  config.server.max_threads = 8;
  const std::string keys_file = "/tmp/rescore-bench-keys-" + std::to_string(getpid());
  {
    std::ofstream keys(keys_file);
    keys << clienttier::ApiKeyStore::Sha256Hex(kApiKey) << ' ' << kTenant << " writer\n";
  }
  config.server.api_keys_file = keys_file;

  // A fresh schema with the tenant's aggregates (not timed).
  {
    clienttier::MySqlConfig admin = config.mysql;
    admin.database.clear();
    clienttier::MySqlPool pool(admin, nullptr);
    pool.WithConnection([](sql::Connection& connection) {
      Execute(connection, "DROP DATABASE IF EXISTS ct_rescore_bench");
    });
  }
  ScoringApp::Migrate(config.mysql);
  const Day as_of = ModelDayOf(clienttier::SystemClock().Now());
  auto start = Clock::now();
  {
    clienttier::MySqlPool pool(config.mysql, nullptr);
    SeedTenant(pool, clients, as_of);
  }
  std::printf("seed: %zu clients in %.1f s (not timed)\n", clients, SecondsSince(start));

  ScoringApp app(config);
  const int port = app.Start();
  auto stub = v1::ScoringService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  start = Clock::now();
  v1::ClvModel model;
  const grpc::Status fitted = stub->FitClvModel(Context().get(), v1::FitClvModelRequest(), &model);
  std::printf(
      "FitClvModel: %.1f s (not timed), %s\n", SecondsSince(start),
      fitted.ok() ? (model.usable() ? "usable" : "not usable") : fitted.error_message().c_str());

  std::vector<double> seconds;
  std::vector<double> peaks;
  for (int run = 0; run < runs; ++run) {
    ResetPeakRss();
    const auto timed = Clock::now();
    auto context = Context();
    auto reader_stream = stub->BatchRescore(context.get(), v1::BatchRescoreRequest());
    v1::BatchRescoreProgress progress;
    v1::BatchRescoreProgress last;
    while (reader_stream->Read(&progress)) {
      last = progress;
    }
    const grpc::Status status = reader_stream->Finish();
    seconds.push_back(SecondsSince(timed));
    peaks.push_back(PeakRssMib());
    if (!status.ok() || !last.done()) {
      std::printf("run %d failed: %s\n", run + 1, status.error_message().c_str());
      app.Stop();
      std::remove(keys_file.c_str());
      return 1;
    }
    std::printf(
        "run %d (%s): %lld of %lld clients scored, %lld tier changes, %.2f s (%.0f clients/s), "
        "peak RSS %.0f MiB\n",
        run + 1, run == 0 ? "scores inserted" : "scores rewritten",
        static_cast<long long>(last.scored()), static_cast<long long>(last.total()),
        static_cast<long long>(last.tier_changes()), seconds.back(),
        static_cast<double>(clients) / seconds.back(), peaks.back());
  }
  app.Stop();
  std::remove(keys_file.c_str());

  const double first = seconds.front();
  const double best_rewrite =
      runs > 1 ? *std::min_element(seconds.begin() + 1, seconds.end()) : first;
  const double peak = *std::max_element(peaks.begin(), peaks.end());
  std::printf(
      "| batch_rescore_rpc_%zu_clients (all reads, CLV, population, scores, writes; new scores) "
      "| %.2f s | <= 10 s | - | - | %s |\n",
      clients, first, first <= 10.0 ? "yes" : "no");
  if (runs > 1) {
    std::printf(
        "| batch_rescore_rpc_%zu_clients (the same over existing scores, best of %d) | %.2f s | "
        "<= 10 s | - | - | %s |\n",
        clients, runs - 1, best_rewrite, best_rewrite <= 10.0 ? "yes" : "no");
  }
  std::printf("| batch_rescore_peak_rss_%zu_clients | %.0f MiB | <= 1024 MiB | - | - | %s |\n",
              clients, peak, peak <= 1024.0 ? "yes" : "no");
  if (write_limit) {
    MeasureWriteLimit(config.mysql, clients);
  }
  return 0;
}
