// segment-stream-bench: StreamSegmentMembers of a whole segment to a gRPC client (a benchmark
// that prints numbers, not a pass/fail test).
//
//   segment-stream-bench [--members=1000000] [--runs=3]
//   (MySQL from CT_MYSQL_* as every service reads it; schema ct_campaign_bench, recreated)
//
// 1. Starts the real campaign service in this process on a loopback port (the same wiring as
//    its main.cc, consumers off) over a fresh schema.
// 2. Writes `members` scored members of one tenant into campaign's members table (seeded, the
//    same population every run); times the load.
// 3. Saves a five-condition segment every member matches, and streams it once cold (the
//    service builds its member snapshot from MySQL) and `runs` times warm, 1,000 members a
//    chunk, counting every member and checking they arrive in client_id order.
// 4. The figure is the median warm run in members/s. Target >= 200,000 members/s.
//
// Exit code 0 when it ran (target met or not), 1 when a stream failed or was incomplete.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <cppconn/statement.h>
#include <grpcpp/grpcpp.h>

#include "common/auth/api_key_store.h"
#include "common/config/config_reader.h"
#include "common/db/migrations.h"
#include "services/campaign/campaign_app.h"
#include "services/campaign/storage/mysql/mysql_member_repository.h"

namespace {

using namespace clienttier;
namespace cv1 = ::clienttier::campaign::v1;
namespace sv1 = ::clienttier::scoring::v1;

constexpr char kTenant[] = "bench-tenant";
constexpr char kKey[] = "segment-stream-bench-key";
constexpr double kTarget = 200'000.0;
constexpr size_t kLoadBatch = 2000;
// Matches every member: the figure is the stream's, not the rule's selectivity.
constexpr char kRule[] =
    "lifetime_purchases >= 1 and score >= 0 and clv_12m >= 0 and tier != \"unspecified\" and "
    "not churn_warning = true";

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

sv1::Score MakeScore(int64_t i, uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  const uint64_t r = state >> 17;
  char id[24];
  std::snprintf(id, sizeof id, "c-%08lld", static_cast<long long>(i));
  sv1::Score score;
  score.set_client_id(id);
  score.mutable_as_of()->set_seconds(1'760'000'000);
  score.set_score(static_cast<double>(r % 10000) / 100.0);
  score.set_tier(static_cast<sv1::Tier>(1 + r % 3));
  score.set_lifecycle(static_cast<sv1::LifecycleStage>(2 + (r >> 8) % 4));
  score.set_lifetime_purchases(1 + static_cast<int64_t>((r >> 12) % 40));
  score.mutable_lifetime_spend()->set_units(10000 + static_cast<int64_t>((r >> 20) % 5'000'000));
  score.mutable_lifetime_spend()->set_currency("CNY");
  score.mutable_clv()->mutable_clv()->set_units(static_cast<int64_t>((r >> 24) % 2'000'000));
  score.mutable_clv()->mutable_clv()->set_currency("CNY");
  score.mutable_clv()->set_p_alive(static_cast<double>((r >> 30) % 1000) / 1000.0);
  score.mutable_windows()->set_purchases_90d(static_cast<int64_t>((r >> 34) % 6));
  return score;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t members = 1'000'000;
  int runs = 3;
  std::vector<std::string> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--members=", 0) == 0) {
      members = std::atoll(arg.c_str() + 10);
    } else if (arg.rfind("--runs=", 0) == 0) {
      runs = std::max(1, std::atoi(arg.c_str() + 7));
    } else {
      rest.push_back(arg);
    }
  }
  std::vector<const char*> reader_args;
  for (const std::string& arg : rest) {
    reader_args.push_back(arg.c_str());
  }
  ConfigReader reader(static_cast<int>(reader_args.size()), reader_args.data());
  campaign::CampaignAppConfig config;
  config.mysql = ReadMySqlConfig(reader, "ct_campaign_bench");
  config.redis = ReadRedisConfig(reader);
  reader.Finish();

  const std::string keys_file = "/tmp/segment-stream-bench-keys";
  std::ofstream(keys_file) << ApiKeyStore::Sha256Hex(kKey) << ' ' << kTenant << " reader\n";
  config.server.grpc_address = "127.0.0.1:0";
  config.server.metrics_host = "127.0.0.1";
  config.server.metrics_port = 0;
  config.server.drain_ms = 0;
  config.server.api_keys_file = keys_file;
  config.run_consumers = false;

  {
    MySqlConfig admin = config.mysql;
    admin.database.clear();
    admin.pool_size = 1;
    MySqlPool pool(admin, nullptr);
    pool.WithConnection([&](sql::Connection& connection) {
      std::unique_ptr<sql::Statement>(connection.createStatement())
          ->execute("DROP DATABASE IF EXISTS " + config.mysql.database);
    });
  }
  campaign::CampaignApp::Migrate(config.mysql);

  // 2. The population.
  auto load_start = std::chrono::steady_clock::now();
  {
    MySqlPool pool(config.mysql, nullptr);
    MySqlTransactionRunner transactions(pool);
    campaign::MySqlMemberRepository repository;
    uint64_t state = 20'261'124;
    std::vector<sv1::Score> batch;
    for (int64_t i = 0; i < members; ++i) {
      batch.push_back(MakeScore(i, state));
      if (batch.size() == kLoadBatch || i + 1 == members) {
        transactions.InTransaction([&](Transaction& transaction) {
          const int64_t revision = repository.NextRevision(transaction, kTenant);
          repository.SaveScores(transaction, kTenant, batch, revision, 0);
        });
        batch.clear();
      }
    }
  }
  const double load_seconds = Seconds(load_start);
  std::printf("loaded %lld members into campaign's table in %.1f s\n",
              static_cast<long long>(members), load_seconds);

  campaign::CampaignApp app(config);
  const int port = app.Start();
  auto stub = cv1::CampaignService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  {
    // A reader key cannot create segments; the bench writes it through the use case.
    cv1::Segment segment;
    segment.set_segment_id("everyone");
    segment.set_name("Every scored client");
    segment.set_rule(kRule);
    app.segments().Create(kTenant, segment);
  }

  // 3. Cold, then warm runs.
  auto stream_once = [&](double* seconds) {
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", kKey);
    cv1::StreamSegmentMembersRequest request;
    request.set_segment_id("everyone");
    request.set_chunk_size(1000);
    const auto start = std::chrono::steady_clock::now();
    auto stream = stub->StreamSegmentMembers(&context, request);
    cv1::SegmentMembersChunk chunk;
    int64_t received = 0;
    std::string last;
    bool ordered = true;
    while (stream->Read(&chunk)) {
      for (const cv1::MemberSummary& member : chunk.members()) {
        ordered = ordered && member.client_id() > last;
        last = member.client_id();
      }
      received += chunk.members_size();
    }
    const grpc::Status status = stream->Finish();
    *seconds = Seconds(start);
    if (!status.ok()) {
      std::fprintf(stderr, "stream failed: %s\n", status.error_message().c_str());
      return int64_t{-1};
    }
    return ordered ? received : int64_t{-1};
  };
  double cold_seconds = 0;
  if (stream_once(&cold_seconds) != members) {
    std::fprintf(stderr, "cold stream incomplete or out of order\n");
    return 1;
  }
  std::printf("cold stream (snapshot built from MySQL): %.2f s\n", cold_seconds);
  std::vector<double> rates;
  for (int run = 0; run < runs; ++run) {
    double seconds = 0;
    if (stream_once(&seconds) != members) {
      std::fprintf(stderr, "warm stream incomplete or out of order\n");
      return 1;
    }
    rates.push_back(static_cast<double>(members) / seconds);
    std::printf("warm run %d: %.3f s, %.0f members/s\n", run + 1, seconds, rates.back());
  }
  std::sort(rates.begin(), rates.end());
  const double median = rates[rates.size() / 2];
  std::printf(
      "| segment_stream_%lld_members (median of %d warm) | %.0f members/s | >= %.0f "
      "members/s | - | - | %s |\n",
      static_cast<long long>(members), runs, median, kTarget, median >= kTarget ? "yes" : "no");
  std::printf("| segment_stream_cold_first_call | %.2f s | (comparison only) | - | - | - |\n",
              cold_seconds);
  app.Stop();
  std::remove(keys_file.c_str());
  return 0;
}
