// ReadScoringConfig: the scoring binary's flags that change how it consumes ct:events:profile.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/config/config_reader.h"
#include "services/scoring/scoring_app.h"

namespace clienttier::scoring {
namespace {

ScoringAppConfig Read(std::vector<std::string> flags) {
  ConfigReader reader(std::move(flags), {});
  return ReadScoringConfig(reader);
}

// Two consumers unless told otherwise: one, once behind a sustained load, stays behind.
TEST(ScoringFlagsTest, TwoProfileConsumersByDefaultAndTheFlagSetsThem) {
  EXPECT_EQ(Read({}).profile_consumers, 2);
  EXPECT_EQ(Read({"--profile-consumers=1"}).profile_consumers, 1);
  EXPECT_EQ(Read({"--profile-consumers=4"}).profile_consumers, 4);
}

// Each consumer holds a MySQL connection of its own while it applies a read.
TEST(ScoringFlagsTest, ThePoolHasAConnectionForEachConsumer) {
  EXPECT_EQ(Read({"--profile-consumers=4", "--mysql-pool-size=10"}).mysql.pool_size -
                Read({"--profile-consumers=1", "--mysql-pool-size=10"}).mysql.pool_size,
            3);
}

}  // namespace
}  // namespace clienttier::scoring
