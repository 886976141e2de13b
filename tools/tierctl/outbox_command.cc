#include "tools/tierctl/outbox_command.h"

#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include <google/protobuf/util/time_util.h>

#include "common/config/config_reader.h"
#include "common/db/mysql_config.h"
#include "common/db/mysql_pool.h"
#include "common/outbox/outbox_relay.h"
#include "tools/tierctl/admin_command.h"

namespace clienttier::tierctl {

namespace {

constexpr int kExitUsage = kAdminExitUsage;
constexpr int kExitFailed = kAdminExitFailed;

// The schema each service keeps its outbox in (the default of its --mysql-database).
const std::map<std::string, std::string> kServiceDatabases = {{"profile", "ct_profile"},
                                                              {"scoring", "ct_scoring"},
                                                              {"campaign", "ct_campaign"},
                                                              {"referral", "ct_referral"}};

void PrintUsage(const std::string& settings) {
  std::printf(
      "usage: tierctl outbox replay --service=profile|scoring|campaign|referral\n"
      "                             --since=2026-12-05T10:00:00Z [--stream=ct:events:profile]\n"
      "Marks the service's retained outbox events created at or after --since (of one stream,\n"
      "or of all) unpublished; its relay publishes them again and consumers skip those they had\n"
      "applied. The relay replays a stream it finds lost by itself; this is for the rest\n"
      "(see k8s/README.md, \"Redis lost events\").\n\nsettings (flag or CT_ variable):\n%s",
      settings.c_str());
}

}  // namespace

int RunOutboxCommand(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) != "replay") {
    std::fprintf(stderr,
                 "tierctl outbox: the only command is 'replay'; see tierctl outbox "
                 "replay --help\n");
    return kExitUsage;
  }
  ConfigReader reader(argc - 1, argv + 1);
  const std::string service =
      reader.RequiredString("service", "the service whose outbox to replay");
  const std::string since_text =
      reader.RequiredString("since", "replay events created at or after (RFC 3339, UTC)");
  const std::string stream = reader.String("stream", "", "only this stream (default: all)");
  const auto database = kServiceDatabases.find(service);
  MySqlConfig mysql =
      ReadMySqlConfig(reader, database != kServiceDatabases.end() ? database->second : "");
  mysql.pool_size = 1;
  if (const auto stop = FinishAdminFlags(reader, "tierctl outbox replay", PrintUsage)) {
    return *stop;
  }
  if (database == kServiceDatabases.end()) {
    std::fprintf(stderr,
                 "tierctl outbox replay: --service must be profile, scoring, campaign "
                 "or referral\n");
    return kExitUsage;
  }
  google::protobuf::Timestamp since;
  if (!google::protobuf::util::TimeUtil::FromString(since_text, &since)) {
    std::fprintf(stderr, "tierctl outbox replay: --since is not an RFC 3339 time: %s\n",
                 since_text.c_str());
    return kExitUsage;
  }
  try {
    MySqlPool pool(mysql, nullptr);
    const UnixMicros since_micros = since.seconds() * 1'000'000 + since.nanos() / 1000;
    const int64_t events = OutboxRelay::ReplaySince(pool, since_micros, stream);
    std::printf("%lld events of %s in %s marked for publication again\n",
                static_cast<long long>(events), stream.empty() ? "every stream" : stream.c_str(),
                mysql.database.c_str());
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tierctl outbox replay: %s\n", error.what());
    return kExitFailed;
  }
}

}  // namespace clienttier::tierctl
