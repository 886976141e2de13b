#include "services/campaign/domain/holdout.h"

#include <gtest/gtest.h>

#include <string>

#include "common/errors/domain_error.h"
#include "common/hash/hash.h"

namespace clienttier::campaign {
namespace {

constexpr int kClients = 100'000;

std::string ClientId(int i) { return "c-" + std::to_string(i); }

TEST(HoldoutTest, HashIsTheSpelledOutComposition) {
  // The hash parts' own published vectors are in tests/unit/common/hash_test.cc; here, that the
  // holdout hash is exactly the composition holdout.h spells out.
  const std::string bytes = std::string("spring-2026") + '\0' + "c-000042";
  EXPECT_EQ(HoldoutHash("spring-2026", "c-000042"), SplitMix64Mix(Fnv1a64(bytes)));
  EXPECT_NE(HoldoutHash("ab", "c"), HoldoutHash("a", "bc"));
}

TEST(HoldoutTest, PinnedValueCatchesAChangedHash) {
  // If this fails the hash changed, and every running campaign's holdout with it: that is a
  // data migration, not a refactoring.
  EXPECT_EQ(HoldoutHash("spring-2026", "c-000042"), 0xbadf44589a8dd51fULL);
  EXPECT_EQ(HoldoutBucket("spring-2026", "c-000042"), 9599);
  EXPECT_FALSE(InHoldout("spring-2026", "c-000042", 5000));
  EXPECT_EQ(HoldoutBucket("ab", "c"), 794);
  EXPECT_TRUE(InHoldout("ab", "c", 795));
  EXPECT_FALSE(InHoldout("ab", "c", 794));  // bucket < share: strict
}

TEST(HoldoutTest, SameInputsSameAnswer) {
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(HoldoutBucket("cmp-1", ClientId(i)), HoldoutBucket("cmp-1", ClientId(i)));
    EXPECT_EQ(InHoldout("cmp-1", ClientId(i), 1000), InHoldout("cmp-1", ClientId(i), 1000));
  }
}

TEST(HoldoutTest, SeparatorKeepsConcatenationsApart) {
  EXPECT_NE(HoldoutHash("ab", "c"), HoldoutHash("a", "bc"));
  EXPECT_NE(HoldoutHash("", "abc"), HoldoutHash("abc", ""));
  EXPECT_NE(HoldoutBucket("ab", "c"), HoldoutBucket("a", "bc"));
}

TEST(HoldoutTest, BucketsStayInRange) {
  for (int i = 0; i < 10'000; ++i) {
    const int64_t bucket = HoldoutBucket("range", ClientId(i));
    ASSERT_GE(bucket, 0);
    ASSERT_LT(bucket, kBasisPoints);
  }
}

TEST(HoldoutTest, ShareIsWithinHalfAPointOfTheTarget) {
  for (const int64_t share_bp : {500, 1000, 2500, 5000}) {
    int members = 0;
    for (int i = 0; i < kClients; ++i) {
      members += InHoldout("share-test", ClientId(i), share_bp) ? 1 : 0;
    }
    const double share_pp = 100.0 * members / kClients;
    EXPECT_NEAR(share_pp, share_bp / 100.0, 0.5) << share_bp;
  }
}

TEST(HoldoutTest, ZeroShareHoldsNobodyOut) {
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_FALSE(InHoldout("none", ClientId(i), 0));
  }
}

TEST(HoldoutTest, RaisingTheShareOnlyAddsMembers) {
  for (int i = 0; i < 10'000; ++i) {
    if (InHoldout("grow", ClientId(i), 1000)) {
      ASSERT_TRUE(InHoldout("grow", ClientId(i), 2000)) << i;
    }
  }
}

TEST(HoldoutTest, CampaignsDrawIndependentGroups) {
  // Independent 10% draws overlap on about 10% x 10% = 1% of clients (1000 of 100k, standard
  // deviation ~31); a shared or correlated hash would overlap on up to 10%.
  int in_a = 0;
  int in_b = 0;
  int in_both = 0;
  for (int i = 0; i < kClients; ++i) {
    const bool a = InHoldout("campaign-a", ClientId(i), 1000);
    const bool b = InHoldout("campaign-b", ClientId(i), 1000);
    in_a += a ? 1 : 0;
    in_b += b ? 1 : 0;
    in_both += (a && b) ? 1 : 0;
  }
  const double expected = static_cast<double>(in_a) * in_b / kClients;
  EXPECT_NEAR(in_both, expected, 200.0);
}

TEST(HoldoutTest, ShareOutOfRangeIsRejected) {
  EXPECT_NO_THROW(CheckHoldoutBp("holdout_bp", 0));
  EXPECT_NO_THROW(CheckHoldoutBp("holdout_bp", 5000));
  try {
    CheckHoldoutBp("campaign.holdout_bp", 5001);
    FAIL() << "expected InvalidArgument";
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    EXPECT_STREQ(error.what(), "campaign.holdout_bp: must be between 0 and 5000");
  }
  EXPECT_THROW(InHoldout("c", "x", -1), DomainError);
  EXPECT_THROW(InHoldout("c", "x", 5001), DomainError);
}

}  // namespace
}  // namespace clienttier::campaign
