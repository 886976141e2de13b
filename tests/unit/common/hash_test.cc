#include "common/hash/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace clienttier {
namespace {

TEST(HashTest, Fnv1a64MatchesThePublishedVectors) {
  // From the FNV reference test suite (Fowler, Noll and Vo, fnv_test.c, FNV-1a 64).
  EXPECT_EQ(kFnv1a64OffsetBasis, 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("b"), 0xaf63df4c8601f1a5ULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
  static_assert(Fnv1a64("a") == 0xaf63dc4c8601ec8cULL, "usable at compile time");
}

TEST(HashTest, Fnv1a64ContinuesAnEarlierHash) {
  EXPECT_EQ(Fnv1a64("bar", Fnv1a64("foo")), Fnv1a64("foobar"));
  // Bytes above 0x7f hash as unsigned, whatever the signedness of char.
  const std::string high("\xff", 1);
  EXPECT_EQ(Fnv1a64(high), (kFnv1a64OffsetBasis ^ 0xffULL) * kFnv1a64Prime);
}

TEST(HashTest, SplitMix64MatchesTheReferenceSequence) {
  // Vigna's splitmix64.c seeded with 0; the first outputs.
  SplitMix64 zero(0);
  EXPECT_EQ(zero.Next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(zero.Next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(zero.Next(), 0x06c45d188009454fULL);
  // Seeded with 1234567 (the reference's documented example).
  SplitMix64 seeded(1234567);
  EXPECT_EQ(seeded.Next(), 6457827717110365317ULL);
  EXPECT_EQ(seeded.Next(), 3203168211198807973ULL);
  EXPECT_EQ(seeded.Next(), 9817491932198370423ULL);
  // The mixer alone is one step of the generator.
  EXPECT_EQ(SplitMix64Mix(kSplitMix64Increment), 0xe220a8397b1dcdafULL);
}

TEST(HashTest, SplitMix64UnitIsInTheHalfOpenInterval) {
  SplitMix64 random(42);
  for (int i = 0; i < 10000; ++i) {
    const double u = random.NextUnit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace clienttier
