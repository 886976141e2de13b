// ClientPartitions: how a replica's profile consumers share the partitions of its clients.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "services/scoring/app/client_partitions.h"

namespace clienttier::scoring {
namespace {

// Long enough for a thread that was not blocked to have taken its partition.
constexpr auto kBlockedFor = std::chrono::milliseconds(100);

TEST(ClientPartitionsTest, EveryClientHasOnePartitionWithinTheCountAndBothAreUsed) {
  const ClientPartitions partitions(2);
  std::set<int> used;
  for (int i = 0; i < 1000; ++i) {
    const std::string client_id = "client-" + std::to_string(i);
    const int partition = partitions.PartitionOf(client_id);
    ASSERT_GE(partition, 0);
    ASSERT_LT(partition, 2);
    ASSERT_EQ(partitions.PartitionOf(client_id), partition);
    used.insert(partition);
  }
  EXPECT_EQ(used.size(), 2u);
  EXPECT_EQ(ClientPartitions(1).PartitionOf("any"), 0);
  EXPECT_EQ(ClientPartitions(0).count(), 1);  // at least one
}

TEST(ClientPartitionsTest, AConsumerTakesAFreePartitionBeforeOneThatIsHeld) {
  ClientPartitions partitions(2);
  const ClientPartitions::Held other = partitions.HoldAnyOf({0, 1});
  EXPECT_EQ(other.partition(), 0);  // the first free one in the order given

  const ClientPartitions::Held mine = partitions.HoldAnyOf({0, 1});
  EXPECT_EQ(mine.partition(), 1);
}

TEST(ClientPartitionsTest, AHeldPartitionIsWaitedForUntilItIsReleased) {
  ClientPartitions partitions(2);
  std::optional<ClientPartitions::Held> held(partitions.HoldAnyOf({1}));
  std::atomic<bool> took{false};
  std::thread consumer([&] {
    const ClientPartitions::Held mine = partitions.HoldAnyOf({1});
    took = true;
  });
  std::this_thread::sleep_for(kBlockedFor);
  EXPECT_FALSE(took.load());

  held.reset();
  consumer.join();
  EXPECT_TRUE(took.load());
}

TEST(ClientPartitionsTest, AWholeReadWaitsForEveryPartitionAndHoldsThemAll) {
  ClientPartitions partitions(2);
  std::optional<ClientPartitions::Held> part(partitions.HoldAnyOf({1}));
  std::atomic<bool> whole_taken{false};
  std::atomic<bool> release_whole{false};
  std::thread whole([&] {
    const ClientPartitions::Held every = partitions.HoldEvery();
    EXPECT_EQ(every.partition(), ClientPartitions::kEvery);
    whole_taken = true;
    while (!release_whole.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::this_thread::sleep_for(kBlockedFor);
  EXPECT_FALSE(whole_taken.load());  // partition 0 is free, but 1 is not

  part.reset();
  while (!whole_taken.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::atomic<bool> part_taken{false};
  std::thread consumer([&] {
    const ClientPartitions::Held mine = partitions.HoldAnyOf({0});
    part_taken = true;
  });
  std::this_thread::sleep_for(kBlockedFor);
  EXPECT_FALSE(part_taken.load());  // the whole read holds 0 as well

  release_whole = true;
  whole.join();
  consumer.join();
  EXPECT_TRUE(part_taken.load());
}

}  // namespace
}  // namespace clienttier::scoring
