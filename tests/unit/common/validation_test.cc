#include "common/validation/validation.h"

#include <gtest/gtest.h>

namespace clienttier::validation {
namespace {

std::string MessageOf(const std::function<void()>& check) {
  try {
    check();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return error.what();
  }
  return "";
}

TEST(ValidationTest, KnownCurrencies) {
  EXPECT_TRUE(IsKnownCurrency("CNY"));
  EXPECT_TRUE(IsKnownCurrency("USD"));
  EXPECT_TRUE(IsKnownCurrency("ZWL"));
  EXPECT_FALSE(IsKnownCurrency("XXX"));
  EXPECT_FALSE(IsKnownCurrency("cny"));
  EXPECT_FALSE(IsKnownCurrency(""));
}

TEST(ValidationTest, MoneyNamesTheFieldAndRule) {
  common::v1::Money money;
  money.set_currency("CNY");
  money.set_units(-1);
  EXPECT_EQ(MessageOf([&] { CheckMoney("amount", money, 0, 100); }),
            "amount.units: must be from 0 to 100");
  money.set_units(101);
  EXPECT_NE(MessageOf([&] { CheckMoney("amount", money, 0, 100); }), "");
  money.set_units(100);
  EXPECT_EQ(MessageOf([&] { CheckMoney("amount", money, 0, 100); }), "");
  money.set_currency("ABC");
  EXPECT_EQ(MessageOf([&] { CheckMoney("amount", money, 0, 100); }),
            "amount.currency: unknown ISO 4217 code 'ABC'");
}

TEST(ValidationTest, IdsAndLabels) {
  EXPECT_EQ(MessageOf([] { CheckId("client_id", "", 64); }), "client_id: required");
  EXPECT_EQ(MessageOf([] { CheckId("client_id", std::string(65, 'a'), 64); }),
            "client_id: must be at most 64 characters");
  EXPECT_EQ(MessageOf([] { CheckId("client_id", std::string(64, 'a'), 64); }), "");
  EXPECT_NE(MessageOf([] { CheckId("client_id", "a b", 64); }), "");
  EXPECT_NE(MessageOf([] { CheckLabel("tag", "Upper", 64, false); }), "");
  EXPECT_EQ(MessageOf([] { CheckLabel("tag", "", 64, false); }), "");
}

TEST(ValidationTest, TextMustBeCleanUtf8) {
  EXPECT_EQ(MessageOf([] { CheckText("name", "王小明", 128, false); }), "");
  EXPECT_NE(MessageOf([] { CheckText("name", "\xC0\xAF", 128, false); }), "");  // overlong
  EXPECT_NE(MessageOf([] { CheckText("name", "a\x01", 128, false); }), "");
  EXPECT_NE(MessageOf([] { CheckText("name", "\xED\xA0\x80", 128, false); }), "");  // surrogate
}

TEST(ValidationTest, TimestampRangeIncludesBothEnds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(100);
  EXPECT_EQ(MessageOf([&] {
              CheckTimestamp("at", timestamp, 100 * kMicrosPerSecond, 200 * kMicrosPerSecond);
            }),
            "");
  timestamp.set_seconds(99);
  EXPECT_NE(MessageOf([&] {
              CheckTimestamp("at", timestamp, 100 * kMicrosPerSecond, 200 * kMicrosPerSecond);
            }),
            "");
  timestamp.set_seconds(INT64_MAX);  // must not overflow
  EXPECT_NE(MessageOf([&] {
              CheckTimestamp("at", timestamp, 100 * kMicrosPerSecond, 200 * kMicrosPerSecond);
            }),
            "");
  timestamp.set_seconds(150);
  timestamp.set_nanos(-1);
  EXPECT_EQ(MessageOf([&] { CheckTimestamp("at", timestamp, 0, 200 * kMicrosPerSecond); }),
            "at.nanos: must be from 0 to 999999999");
}

TEST(PageSizeTest, ZeroMeansTheDefaultAndTheBoundsAreNamed) {
  common::v1::PageRequest page;
  EXPECT_EQ(PageSize(page), 100);
  page.set_page_size(1000);
  EXPECT_EQ(PageSize(page), 1000);
  for (int bad : {-1, 1001}) {
    page.set_page_size(bad);
    try {
      PageSize(page);
      ADD_FAILURE() << bad << " accepted";
    } catch (const DomainError& error) {
      EXPECT_STREQ(error.what(), "page.page_size: must be between 0 and 1000");
    }
  }
}

}  // namespace
}  // namespace clienttier::validation
