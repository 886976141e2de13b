#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "common/outbox/outbox.h"

namespace clienttier {
namespace {

TEST(NewEventIdTest, IsAVersion7UuidWithTheRfcVariant) {
  const std::regex uuid_v7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(std::regex_match(NewEventId(), uuid_v7));
  }
}

TEST(NewEventIdTest, StartsWithTheCurrentUnixMilliseconds) {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::string id = NewEventId();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const long long stamped = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(stamped, before);
  EXPECT_LE(stamped, after);
}

TEST(NewEventIdTest, LaterIdsSortAfterEarlierOnesAndNoneRepeat) {
  std::set<std::string> ids;
  std::string previous = NewEventId();
  for (int step = 0; step < 5; ++step) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const std::string next = NewEventId();
    EXPECT_LT(previous, next);
    previous = next;
  }
  for (int i = 0; i < 100000; ++i) {
    ids.insert(NewEventId());
  }
  EXPECT_EQ(ids.size(), 100000u);
}

}  // namespace
}  // namespace clienttier
