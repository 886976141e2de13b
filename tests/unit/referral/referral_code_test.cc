#include "services/referral/domain/referral_code.h"

#include <gtest/gtest.h>

#include <set>

namespace clienttier::referral {
namespace {

TEST(ReferralCodeTest, TenCharactersOfCrockfordBase32) {
  uint64_t state = 1;
  const RandomBits random = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state;
  };
  std::set<std::string> codes;
  for (int i = 0; i < 1000; ++i) {
    const std::string code = GenerateCode(random);
    ASSERT_EQ(code.size(), kCodeLength);
    EXPECT_EQ(code.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos)
        << code;
    codes.insert(code);
  }
  EXPECT_EQ(codes.size(), 1000u);  // 50 bits each: no repeats in a thousand draws
}

TEST(ReferralCodeTest, UsesFiftyBitsOfTheRandomSource) {
  // The low 50 bits decide the code, 5 per character, lowest first.
  EXPECT_EQ(GenerateCode([] { return uint64_t{0}; }), "0000000000");
  EXPECT_EQ(GenerateCode([] { return uint64_t{31}; }), "Z000000000");
  EXPECT_EQ(GenerateCode([] { return (uint64_t{1} << 45) | 1; }), "1000000001");
  EXPECT_EQ(GenerateCode([] { return ~uint64_t{0}; }), "ZZZZZZZZZZ");
}

TEST(ReferralCodeTest, NormalizesWhatPeopleType) {
  EXPECT_EQ(NormalizeCode("abcde-fghjk"), "ABCDEFGHJK");
  EXPECT_EQ(NormalizeCode(" 7Q2M 9XKP 4T "), "7Q2M9XKP4T");
  // Look-alikes read as what they look like.
  EXPECT_EQ(NormalizeCode("O0IL1o0il1"), "0011100111");
}

TEST(ReferralCodeTest, RefusesWhatCannotBeACode) {
  EXPECT_FALSE(NormalizeCode(""));
  EXPECT_FALSE(NormalizeCode("ABCDEFGHJ"));    // 9
  EXPECT_FALSE(NormalizeCode("ABCDEFGHJKM"));  // 11
  EXPECT_FALSE(NormalizeCode("ABCDEFGHJU"));   // U is not in the alphabet
  EXPECT_FALSE(NormalizeCode("ABCDE_FGHJ"));
  EXPECT_FALSE(NormalizeCode(std::string(100, '-')));
}

TEST(ReferralCodeTest, SecureRandomBitsVary) { EXPECT_NE(SecureRandomBits(), SecureRandomBits()); }

}  // namespace
}  // namespace clienttier::referral
