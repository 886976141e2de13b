#include <gtest/gtest.h>

#include "services/gateway/domain/member_csv.h"

namespace clienttier::gateway {
namespace {

using common::v1::CONTACT_CHANNEL_EMAIL;
using common::v1::CONTACT_CHANNEL_SMS;

profile::v1::Client ClientWith(std::optional<bool> email, bool erased = false) {
  profile::v1::Client client;
  client.set_client_id("c-1");
  client.set_erased(erased);
  if (email) {
    profile::v1::Consent& consent = *client.add_consents();
    consent.set_channel(CONTACT_CHANNEL_EMAIL);
    consent.set_granted(*email);
  }
  return client;
}

TEST(MemberCsvTest, ConsentMustBeGivenOnTheChannelAndNotWithdrawn) {
  EXPECT_TRUE(HasMarketingConsent(ClientWith(true), CONTACT_CHANNEL_EMAIL));
  EXPECT_FALSE(HasMarketingConsent(ClientWith(false), CONTACT_CHANNEL_EMAIL));
  EXPECT_FALSE(HasMarketingConsent(ClientWith(std::nullopt), CONTACT_CHANNEL_EMAIL));
  EXPECT_FALSE(HasMarketingConsent(ClientWith(true), CONTACT_CHANNEL_SMS));
  EXPECT_FALSE(HasMarketingConsent(ClientWith(true, /*erased=*/true), CONTACT_CHANNEL_EMAIL));
}

TEST(MemberCsvTest, ChannelsParseByShortOrEnumName) {
  EXPECT_EQ(ParseContactChannel("email"), CONTACT_CHANNEL_EMAIL);
  EXPECT_EQ(ParseContactChannel("SMS"), CONTACT_CHANNEL_SMS);
  EXPECT_EQ(ParseContactChannel("CONTACT_CHANNEL_EMAIL"), CONTACT_CHANNEL_EMAIL);
  EXPECT_EQ(ParseContactChannel("unspecified"), std::nullopt);
  EXPECT_EQ(ParseContactChannel(""), std::nullopt);
  EXPECT_EQ(ParseContactChannel("fax"), std::nullopt);
}

TEST(MemberCsvTest, RowsKeepMoneyInMinorUnitsAndQuoteWhatNeedsIt) {
  campaign::v1::MemberSummary member;
  member.set_client_id("c-7");
  member.set_tier("T1");
  member.set_score(72.156);
  member.mutable_clv_12m()->set_units(123456789012);
  member.mutable_clv_12m()->set_currency("CNY");
  member.set_lifecycle("growth, late");
  EXPECT_EQ(MemberCsvRow(member), "c-7,T1,72.16,123456789012,CNY,\"growth, late\"\r\n");
  EXPECT_EQ(MemberCsvHeader(),
            "client_id,tier,score,clv_12m_minor_units,clv_12m_currency,lifecycle\r\n");
}

TEST(MemberCsvTest, FieldsAreQuotedPerRfc4180AndFormulasDisarmed) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(CsvField("@x,y"), "\"'@x,y\"");
  EXPECT_EQ(CsvField("-5"), "-5");
}

}  // namespace
}  // namespace clienttier::gateway
