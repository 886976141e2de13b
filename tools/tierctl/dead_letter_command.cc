#include "tools/tierctl/dead_letter_command.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common/config/config_reader.h"
#include "common/redis/dead_letters.h"
#include "common/redis/redis_client.h"
#include "tools/tierctl/admin_command.h"

namespace clienttier::tierctl {

namespace {

constexpr int kExitUsage = kAdminExitUsage;
constexpr int kExitFailed = kAdminExitFailed;
constexpr int kPage = 500;

void PrintUsage(const std::string& settings) {
  std::printf(
      "usage: tierctl deadletters list   --stream=ct:events:profile --group=scoring [--count=100]\n"
      "       tierctl deadletters replay --stream=ct:events:profile --group=scoring "
      "(--id=ID | --all)\n"
      "Dead letters are the events a consumer group moved to <stream>:dead:<group> after they\n"
      "failed --max-deliveries times (or could not be read). replay puts them back on the\n"
      "source stream, where the group applies them again (fix the cause first).\n\n"
      "settings (flag or CT_ variable):\n%s",
      settings.c_str());
}

std::string FieldOr(const DeadLetter& letter, const std::string& field) {
  const auto found = letter.fields.find(field);
  return found == letter.fields.end() ? "-" : found->second;
}

int List(DeadLetterStream& dead_letters, int count) {
  const std::vector<DeadLetter> letters = dead_letters.List(count);
  for (const DeadLetter& letter : letters) {
    std::printf("%s source=%s event_id=%s tenant=%s type=%s deliveries=%lld error=%s\n",
                letter.id.c_str(), letter.source_id.c_str(), FieldOr(letter, "event_id").c_str(),
                FieldOr(letter, "tenant").c_str(), FieldOr(letter, "type").c_str(),
                static_cast<long long>(letter.deliveries), letter.error.c_str());
  }
  std::printf("%zu dead letters in %s\n", letters.size(), dead_letters.name().c_str());
  return 0;
}

int Replay(DeadLetterStream& dead_letters, const std::string& id, bool all) {
  std::vector<std::string> ids;
  if (all) {
    // Collected first: each replay deletes what it replays.
    std::string after;
    while (true) {
      const std::vector<DeadLetter> page = dead_letters.List(kPage, after);
      for (const DeadLetter& letter : page) {
        ids.push_back(letter.id);
      }
      if (static_cast<int>(page.size()) < kPage) {
        break;
      }
      after = page.back().id;
    }
  } else {
    ids.push_back(id);
  }
  int replayed = 0;
  for (const std::string& dead_id : ids) {
    const std::string new_id = dead_letters.Replay(dead_id);
    if (new_id.empty()) {
      std::fprintf(stderr, "tierctl deadletters replay: no dead letter %s in %s\n", dead_id.c_str(),
                   dead_letters.name().c_str());
      return kExitFailed;
    }
    std::printf("%s -> %s\n", dead_id.c_str(), new_id.c_str());
    ++replayed;
  }
  std::printf("%d dead letters of %s replayed\n", replayed, dead_letters.name().c_str());
  return 0;
}

}  // namespace

int RunDeadLetterCommand(int argc, char** argv) {
  const std::string command = argc >= 2 ? argv[1] : "";
  if (command != "list" && command != "replay") {
    std::fprintf(stderr,
                 "tierctl deadletters: the commands are 'list' and 'replay'; see tierctl "
                 "deadletters list --help\n");
    return kExitUsage;
  }
  ConfigReader reader(argc - 1, argv + 1);
  const std::string stream =
      reader.RequiredString("stream", "the source stream (ct:events:profile)");
  const std::string group = reader.RequiredString("group", "the consumer group (scoring)");
  const int count = static_cast<int>(
      reader.Int("count", 100, 1, 100000, "list: at most this many, oldest first"));
  const std::string id = reader.String("id", "", "replay: this dead letter");
  const bool all = reader.Bool("all", false, "replay: every dead letter of the group");
  RedisConfig redis_config = ReadRedisConfig(reader);
  redis_config.pool_size = 1;
  if (const auto stop = FinishAdminFlags(reader, "tierctl deadletters " + command, PrintUsage)) {
    return *stop;
  }
  if (command == "replay" && id.empty() == !all) {
    std::fprintf(stderr, "tierctl deadletters replay: give --id=ID or --all (one of them)\n");
    return kExitUsage;
  }
  try {
    RedisClient redis(redis_config, nullptr);
    DeadLetterStream dead_letters(redis, stream, group);
    return command == "list" ? List(dead_letters, count) : Replay(dead_letters, id, all);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tierctl deadletters %s: %s\n", command.c_str(), error.what());
    return kExitFailed;
  }
}

}  // namespace clienttier::tierctl
