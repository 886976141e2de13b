// A relay in a process of its own, for the takeover test: it takes the relay's MySQL lock,
// publishes one pass of the outbox of database argv[1] to Redis and then, before marking the
// rows published, prints "published" and waits to be killed (kill -9 from the test). The
// database and Redis come from the CT_MYSQL_* / CT_REDIS_* variables of scripts/test.sh.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/outbox/outbox_relay.h"
#include "tests/support/test_env.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: relay-crash-child DATABASE BATCH_SIZE\n");
    return 2;
  }
  using namespace clienttier;  // NOLINT: a test's main
  MySqlPool pool(testing::MySqlFromEnv(argv[1]), nullptr);
  RedisClient redis(testing::RedisFromEnv(), nullptr);
  MetricsRegistry metrics;
  OutboxRelayOptions options;
  options.batch_size = std::atoi(argv[2]);
  OutboxRelay relay(pool, redis, metrics, options);
  relay.SetAfterPublishHook([] {
    std::printf("published\n");
    std::fflush(stdout);
    for (;;) {
      pause();  // holds the lock and the unmarked rows until the test kills the process
    }
  });
  relay.RunOnce();
  std::printf("nothing to publish\n");
  return 1;
}
