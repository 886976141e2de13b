// event-path-bench: how fast scoring applies client-profile's events, end to end through the
// real services (a benchmark that prints figures, not a pass/fail test; issue 16 part 1).
//
//   event-path-bench --profile=HOST:PORT --scoring=HOST:PORT --api-key=KEY
//                    [--redis-host=127.0.0.1] [--redis-port=6379] [--transactions=200000]
//                    [--clients=20000] [--writers=4] [--batch=1000] [--verify=200]
//                    [--timeout-s=900]
//
// Setup: `clients` new clients through ImportClients, then waits until scoring's group on
// ct:events:profile is idle (so their ClientCreated events are not in the figures). Then
// `writers` threads send `transactions` purchases (batches of `batch`, clients spread by a hash)
// through RecordTransactions while the bench watches the group with XINFO (Redis 7): scoring
// has applied them all when the group has read every one of them and nothing is pending
// (one entry per client per batch: TransactionsRecorded).
//   accepted: transactions / (first write .. last RecordTransactions reply)
//   applied:  transactions / (first write .. the group has acknowledged them all and `verify`
//             sampled clients' GetScore shows exactly the purchases and spend written to them),
//             which includes the outbox relay's publishing, every scoring replica in the group
//             and the rescore of the clients a backlog read queued.
// Target: applied >= 30,000 events/s and applied/accepted >= 1.
//
// Exit code 0 when everything was measured and verified (targets met or not), 1 when setup,
// a write or the verification failed, 2 for bad arguments.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bench/support/flags.h"
#include "bench/support/profile_clients.h"
#include "bench/support/service_channels.h"
#include "bench/support/stream_group.h"
#include "bench/support/unary_load.h"
#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"

namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;
using namespace ::clienttier::bench;  // NOLINT: the benchmark's own support library

using Clock = std::chrono::steady_clock;

constexpr double kTargetAppliedPerSecond = 30000.0;
constexpr double kTargetRatio = 1.0;
constexpr char kStream[] = "ct:events:profile";
constexpr char kGroup[] = "scoring";
constexpr char kCurrency[] = "CNY";  // scoring's default tenant currency: spend counts
constexpr int64_t kSecondsPerDay = 86400;
constexpr std::chrono::seconds kBatchTimeout{60};
constexpr std::chrono::seconds kConnectTimeout{10};
constexpr auto kWatchInterval = std::chrono::milliseconds(10);

struct Options {
  std::string profile;
  std::string scoring;
  std::string api_key;
  std::string redis_host;
  int redis_port = 6379;
  int64_t transactions = 200000;
  int clients = 20000;
  int writers = 4;
  int batch = 1000;
  int verify = 200;
  int timeout_s = 900;
};

bool ParseOptions(int argc, char** argv, Options* options) {
  Flags flags(argc, argv);
  options->profile = flags.Required("profile");
  options->scoring = flags.Required("scoring");
  options->api_key = flags.Required("api-key");
  options->redis_host = flags.String("redis-host", "127.0.0.1");
  options->redis_port = static_cast<int>(flags.Int("redis-port", 6379, 1, 65535));
  options->transactions = flags.Int("transactions", options->transactions, 1, 100000000);
  options->clients = static_cast<int>(flags.Int("clients", options->clients, 1, 10000000));
  options->writers = static_cast<int>(flags.Int("writers", options->writers, 1, 256));
  options->batch = static_cast<int>(flags.Int("batch", options->batch, 1, 1000));
  options->verify = static_cast<int>(flags.Int("verify", options->verify, 0, 100000));
  options->timeout_s = static_cast<int>(flags.Int("timeout-s", options->timeout_s, 1, 86400));
  if (!flags.ok()) {
    std::fprintf(stderr,
                 "event-path-bench: %s\nusage: event-path-bench --profile=HOST:PORT "
                 "--scoring=HOST:PORT --api-key=KEY [--redis-host=127.0.0.1] [--redis-port=6379] "
                 "[--transactions=200000] [--clients=20000] [--writers=4] [--batch=1000] "
                 "[--verify=200] [--timeout-s=900]\n",
                 flags.errors().c_str());
    return false;
  }
  return true;
}

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

// A well-mixed 64-bit hash (splitmix64's finaliser): each transaction's client, amount and day
// follow from its index alone, so the expected totals per client need no shared state.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Purchase {
  int client = 0;
  int64_t amount = 0;
  int64_t days_ago = 0;
};

Purchase PurchaseOf(int64_t index, int clients) {
  const uint64_t hash = Mix(static_cast<uint64_t>(index));
  Purchase purchase;
  purchase.client = static_cast<int>(hash % static_cast<uint64_t>(clients));
  purchase.amount = 100 + static_cast<int64_t>((hash >> 24) % 50000);
  purchase.days_ago = static_cast<int64_t>((hash >> 48) % 365);
  return purchase;
}

std::string ClientId(const std::string& run, int index) {
  return "ep-" + run + "-" + std::to_string(index);
}

// --- the writes ---------------------------------------------------------------------------------

struct WriteResult {
  int64_t recorded = 0;
  int64_t duplicates = 0;
  std::vector<double> batch_ms;
  std::string error;
};

void RunWriter(pv1::ClientProfileService::Stub& profile, const Options& options,
               const std::string& run, int64_t now_s, std::atomic<int64_t>& next_batch,
               WriteResult* result) {
  pv1::RecordTransactionsRequest request;
  for (;;) {
    const int64_t first = next_batch.fetch_add(1) * options.batch;
    if (first >= options.transactions) {
      return;
    }
    const int64_t last = std::min(options.transactions, first + options.batch);
    request.Clear();
    for (int64_t i = first; i < last; ++i) {
      const Purchase purchase = PurchaseOf(i, options.clients);
      pv1::TransactionInput* item = request.add_transactions();
      item->set_idempotency_key("ep-" + run + "-" + std::to_string(i));
      item->set_client_id(ClientId(run, purchase.client));
      item->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
      item->mutable_amount()->set_units(purchase.amount);
      item->mutable_amount()->set_currency(kCurrency);
      item->set_category("course");
      item->mutable_occurred_at()->set_seconds(now_s - purchase.days_ago * kSecondsPerDay);
    }
    auto context = KeyedContext(options.api_key, kBatchTimeout);
    pv1::RecordTransactionsResponse response;
    const auto started = Clock::now();
    const grpc::Status status = profile.RecordTransactions(context.get(), request, &response);
    if (!status.ok()) {
      result->error = Describe(status);
      return;
    }
    result->batch_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    result->recorded += response.recorded_count();
    result->duplicates += response.duplicate_count();
  }
}

// The stream entries the writes make: client-profile publishes one event per client per batch
// (TransactionsRecorded), so a batch is as many entries as it has distinct clients.
int64_t StreamEntriesOf(const Options& options) {
  int64_t entries = 0;
  for (int64_t first = 0; first < options.transactions; first += options.batch) {
    std::set<int> clients;
    for (int64_t i = first; i < std::min(options.transactions, first + options.batch); ++i) {
      clients.insert(PurchaseOf(i, options.clients).client);
    }
    entries += static_cast<int64_t>(clients.size());
  }
  return entries;
}

// --- watching scoring's group -------------------------------------------------------------------

struct Progress {
  bool published = false;  // the relay has put every event on the stream
  bool applied = false;    // the group has read them all and acknowledged them
  Clock::time_point published_at;
  Clock::time_point applied_at;
  std::string error;
};

// Polls the group every 10 ms from the first write until all `expected` entries are applied.
void Watch(StreamGroupWatch& watch, const StreamGroupState& before, int64_t expected,
           Clock::time_point begin, std::chrono::seconds timeout, std::atomic<bool>& give_up,
           Progress* progress) {
  auto next_report = begin + std::chrono::seconds(10);
  while (!give_up.load()) {
    StreamGroupState state;
    if (!watch.Read(&state)) {
      progress->error = watch.error();
      return;
    }
    const auto now = Clock::now();
    const int64_t added = state.entries_added - before.entries_added;
    const int64_t read = state.entries_read - before.entries_read;
    if (!progress->published && added >= expected) {
      progress->published = true;
      progress->published_at = now;
    }
    if (read >= expected && state.pending == 0) {
      progress->applied = true;
      progress->applied_at = now;
      return;
    }
    if (now >= next_report) {
      std::printf("progress: %.0f s: %lld of %lld stream entries published, %lld applied\n",
                  Seconds(now - begin), static_cast<long long>(added),
                  static_cast<long long>(expected),
                  static_cast<long long>(state.done() - before.done()));
      std::fflush(stdout);
      next_report += std::chrono::seconds(10);
    }
    if (now - begin > timeout) {
      progress->error =
          "scoring had not applied every event after " + std::to_string(timeout.count()) + " s";
      return;
    }
    std::this_thread::sleep_for(kWatchInterval);
  }
}

// --- verification ---------------------------------------------------------------------------------

// `verify` clients spread over the range and the purchases and spend written to each.
struct Samples {
  std::vector<int> clients;
  std::vector<int64_t> purchases;
  std::vector<int64_t> spend;
};

Samples SamplesOf(const Options& options) {
  std::vector<int64_t> purchases(static_cast<size_t>(options.clients), 0);
  std::vector<int64_t> spend(static_cast<size_t>(options.clients), 0);
  for (int64_t i = 0; i < options.transactions; ++i) {
    const Purchase purchase = PurchaseOf(i, options.clients);
    ++purchases[static_cast<size_t>(purchase.client)];
    spend[static_cast<size_t>(purchase.client)] += purchase.amount;
  }
  Samples samples;
  const int count = std::min(options.verify, options.clients);
  for (int k = 0; k < count; ++k) {
    const int client = static_cast<int>(static_cast<int64_t>(k) * options.clients / count);
    samples.clients.push_back(client);
    samples.purchases.push_back(purchases[static_cast<size_t>(client)]);
    samples.spend.push_back(spend[static_cast<size_t>(client)]);
  }
  return samples;
}

// The samples among `pending` whose GetScore does not show exactly their written purchases yet;
// `mismatch` describes the first of them.
std::vector<size_t> Unscored(sv1::ScoringService::Stub& scoring, const Options& options,
                             const std::string& run, const Samples& samples,
                             const std::vector<size_t>& pending, std::string* mismatch) {
  std::vector<size_t> unscored;
  mismatch->clear();
  for (const size_t k : pending) {
    sv1::GetScoreRequest request;
    request.set_client_id(ClientId(run, samples.clients[k]));
    sv1::Score score;
    const grpc::Status status = scoring.GetScore(
        KeyedContext(options.api_key, std::chrono::seconds(10)).get(), request, &score);
    if (status.ok() && score.lifetime_purchases() == samples.purchases[k] &&
        score.lifetime_spend().units() == samples.spend[k]) {
      continue;
    }
    unscored.push_back(k);
    if (mismatch->empty()) {
      *mismatch = request.client_id() + ": " +
                  (status.ok() ? "purchases " + std::to_string(score.lifetime_purchases()) +
                                     " spend " + std::to_string(score.lifetime_spend().units()) +
                                     ", expected " + std::to_string(samples.purchases[k]) + " / " +
                                     std::to_string(samples.spend[k])
                               : Describe(status));
    }
  }
  return unscored;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    return 2;
  }
  const auto channels = ConnectProfileAndScoring("event-path-bench", options.profile,
                                                 options.scoring, kConnectTimeout);
  if (!channels) {
    return 1;
  }
  auto profile = pv1::ClientProfileService::NewStub(channels->profile);
  auto scoring = sv1::ScoringService::NewStub(channels->scoring);
  StreamGroupWatch watch(options.redis_host, options.redis_port, kStream, kGroup);
  const std::string run = RunTag();
  std::printf(
      "event-path-bench: run %s, %lld purchases for %d clients, %d writers x batches of %d, "
      "group '%s' on %s at %s:%d\n",
      run.c_str(), static_cast<long long>(options.transactions), options.clients, options.writers,
      options.batch, kGroup, kStream, options.redis_host.c_str(), options.redis_port);

  // --- setup: the clients, and scoring caught up with them
  std::vector<std::string> ids;
  for (int i = 0; i < options.clients; ++i) {
    ids.push_back(ClientId(run, i));
  }
  const auto setup_begin = Clock::now();
  if (!ImportClients(*profile, options.api_key, ids)) {
    return 1;
  }
  const auto imported = Clock::now();
  StreamGroupState before;
  if (!watch.WaitUntilSettled(std::chrono::seconds(1), std::chrono::seconds(options.timeout_s),
                              &before)) {
    std::printf("setup: waiting for scoring's group: %s\n", watch.error().c_str());
    return 1;
  }
  std::printf(
      "setup: %d clients imported in %.1f s; scoring's group idle %.1f s later (entries read "
      "%lld)\n",
      options.clients, Seconds(imported - setup_begin), Seconds(Clock::now() - imported),
      static_cast<long long>(before.entries_read));

  // --- the measured part: writes, and scoring applying them
  std::atomic<int64_t> next_batch{0};
  std::atomic<bool> give_up{false};
  std::vector<WriteResult> results(static_cast<size_t>(options.writers));
  std::vector<std::thread> writers;
  Progress progress;
  const int64_t now_s = UnixSecondsNow();
  const auto begin = Clock::now();
  const int64_t entries = StreamEntriesOf(options);
  std::thread watcher(Watch, std::ref(watch), std::cref(before), entries, begin,
                      std::chrono::seconds(options.timeout_s), std::ref(give_up), &progress);
  for (int w = 0; w < options.writers; ++w) {
    writers.emplace_back(RunWriter, std::ref(*profile), std::cref(options), std::cref(run), now_s,
                         std::ref(next_batch), &results[static_cast<size_t>(w)]);
  }
  for (auto& writer : writers) {
    writer.join();
  }
  const auto last_write = Clock::now();

  bool clean = true;
  int64_t recorded = 0;
  int64_t duplicates = 0;
  std::vector<double> batch_ms;
  std::string error;
  for (const auto& result : results) {
    recorded += result.recorded;
    duplicates += result.duplicates;
    batch_ms.insert(batch_ms.end(), result.batch_ms.begin(), result.batch_ms.end());
    if (error.empty()) {
      error = result.error;
    }
  }
  if (!error.empty() || recorded != options.transactions) {
    give_up = true;
    watcher.join();
    std::printf(
        "event-path-bench: the writes failed (%lld of %lld recorded, %lld duplicates): %s\n",
        static_cast<long long>(recorded), static_cast<long long>(options.transactions),
        static_cast<long long>(duplicates), error.c_str());
    return 1;
  }
  watcher.join();
  if (!progress.applied) {
    std::printf("event-path-bench: %s\n", progress.error.c_str());
    return 1;
  }

  // Acknowledged is not yet scored: a consumer that was a read behind queues its clients and
  // rescores them once it has caught up (services/scoring/README.md). The figure ends when the
  // sampled clients' GetScore shows every purchase written to them as well.
  const Samples samples = SamplesOf(options);
  std::vector<size_t> unscored(samples.clients.size());
  for (size_t k = 0; k < unscored.size(); ++k) {
    unscored[k] = k;
  }
  std::string mismatch;
  const auto score_deadline = progress.applied_at + std::chrono::seconds(options.timeout_s);
  while (true) {
    unscored = Unscored(*scoring, options, run, samples, unscored, &mismatch);
    if (unscored.empty() || Clock::now() > score_deadline) {
      break;
    }
    std::this_thread::sleep_for(kWatchInterval);
  }
  const auto scored_at = unscored.empty() ? Clock::now() : progress.applied_at;

  const std::string scale = std::to_string(options.transactions) + " tx, " +
                            std::to_string(options.clients) + " clients, " +
                            std::to_string(options.writers) + " writers x batch " +
                            std::to_string(options.batch);
  std::vector<Figure> figures;
  const double accepted = static_cast<double>(recorded) / Seconds(last_write - begin);
  const double applied = static_cast<double>(recorded) / Seconds(scored_at - begin);
  const Latencies latencies = Summarize(batch_ms);

  Figure accepted_figure;
  accepted_figure.name = "event_path_accepted (client-profile RecordTransactions, " + scale + ")";
  accepted_figure.value = Fixed(accepted, 0) + " tx/s";
  accepted_figure.p50 = Fixed(latencies.p50_ms, 1) + "ms";
  accepted_figure.p99 = Fixed(latencies.p99_ms, 1) + "ms";
  accepted_figure.note = std::to_string(batch_ms.size()) + " batches in " +
                         Fixed(Seconds(last_write - begin), 1) + " s";
  figures.push_back(accepted_figure);

  Figure applied_figure;
  applied_figure.name =
      "event_path_applied (first write until scoring's group acked all and the sampled clients' "
      "GetScore shows every purchase; relay included)";
  applied_figure.value = Fixed(applied, 0) + " events/s";
  applied_figure.target = ">= " + Fixed(kTargetAppliedPerSecond, 0);
  applied_figure.met = applied >= kTargetAppliedPerSecond ? "yes" : "no";
  applied_figure.note = std::to_string(recorded) + " events (purchases) in " +
                        std::to_string(entries) + " stream entries, " +
                        Fixed(Seconds(scored_at - begin), 1) + " s";
  figures.push_back(applied_figure);

  Figure ratio_figure;
  ratio_figure.name = "event_path_applied_vs_accepted";
  ratio_figure.value = Fixed(applied / accepted, 2);
  ratio_figure.target = ">= " + Fixed(kTargetRatio, 2);
  ratio_figure.met = applied / accepted >= kTargetRatio ? "yes" : "no";
  figures.push_back(ratio_figure);

  Figure after_figure;
  after_figure.name = "event_path_applied_after_last_write";
  after_figure.value = Fixed(Seconds(scored_at - last_write), 2) + " s";
  after_figure.note = "the group had acked them all " +
                      Fixed(Seconds(progress.applied_at - last_write), 2) + " s after it";
  if (progress.published) {
    after_figure.note += ", the relay had published them all " +
                         Fixed(Seconds(progress.published_at - last_write), 2) + " s after it";
  }
  figures.push_back(after_figure);
  for (const auto& figure : figures) {
    PrintFigure(figure);
  }

  Figure verified;
  verified.name = "event_path_scores_verified (GetScore lifetime purchases and spend)";
  verified.value = std::to_string(samples.clients.size() - unscored.size()) + " of " +
                   std::to_string(samples.clients.size()) + " clients";
  verified.target = "all";
  verified.met = unscored.empty() ? "yes" : "no";
  if (!unscored.empty()) {
    verified.note = "first mismatch " + mismatch + " (" + std::to_string(options.timeout_s) +
                    " s after the group acked all)";
    clean = false;
  }
  figures.push_back(verified);
  PrintFigure(figures.back());
  PrintTable(figures);
  if (!clean) {
    std::printf("\nevent-path-bench: scores do not show the written purchases\n");
    return 1;
  }
  return 0;
}
