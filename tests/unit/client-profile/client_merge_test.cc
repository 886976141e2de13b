// MergeClients' rules (issue 18 part 5): which merges are allowed, how two records combine, and
// the use case over the in-memory repository (retry, consent history, tombstone).
#include "services/client-profile/domain/client_merge.h"

#include <functional>

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"
#include "services/client-profile/app/client_use_cases.h"
#include "services/client-profile/domain/client_rules.h"
#include "tests/support/profile/fake_client_repository.h"
#include "tests/support/profile/fixed_clock.h"

namespace clienttier::profile {
namespace {

namespace cv1 = ::clienttier::common::v1;

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;
constexpr char kTenant[] = "tenant-a";

v1::Client Stored(const std::string& client_id) {
  v1::Client input;
  input.set_client_id(client_id);
  return NewClient(input, kNow - kMicrosPerDay);
}

void SetConsent(v1::Client* client, cv1::ContactChannel channel, bool granted) {
  v1::Consent* consent = client->add_consents();
  consent->set_channel(channel);
  consent->set_granted(granted);
  *consent->mutable_updated_at() = ToProtoTimestamp(kNow - kMicrosPerDay);
}

bool GrantedOn(const v1::Client& client, cv1::ContactChannel channel) {
  for (const v1::Consent& consent : client.consents()) {
    if (consent.channel() == channel && consent.purpose() == 0) {
      return consent.granted();
    }
  }
  ADD_FAILURE() << "no consent on channel " << channel;
  return false;
}

ErrorKind KindOf(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
  } catch (const DomainError& error) {
    if (message != nullptr) {
      *message = error.what();
    }
    return error.kind();
  }
  ADD_FAILURE() << "no DomainError thrown";
  return ErrorKind::kInternal;
}

TEST(ClientMergeRulesTest, RefusesMergingAClientIntoItselfNamingTheField) {
  v1::MergeClientsRequest request;
  request.set_survivor_client_id("c-1");
  request.set_duplicate_client_id("c-1");
  std::string message;
  EXPECT_EQ(KindOf([&] { ValidateMerge(request); }, &message), ErrorKind::kInvalid);
  EXPECT_NE(message.find("duplicate_client_id"), std::string::npos) << message;
  request.set_duplicate_client_id("");
  EXPECT_EQ(KindOf([&] { ValidateMerge(request); }), ErrorKind::kInvalid);
}

TEST(ClientMergeRulesTest, RefusesTombstonesAndRecognisesARetry) {
  const v1::Client survivor = Stored("s");
  v1::Client duplicate = Stored("d");
  EXPECT_EQ(CheckMerge(survivor, duplicate), MergeStep::kMerge);

  v1::Client merged_away = MergeClientRecords(survivor, duplicate, kNow).duplicate;
  EXPECT_EQ(CheckMerge(survivor, merged_away), MergeStep::kAlreadyMerged);

  std::string message;
  EXPECT_EQ(KindOf([&] { CheckMerge(Stored("other"), merged_away); }, &message),
            ErrorKind::kFailedPrecondition);
  EXPECT_NE(message.find("already merged into 's'"), std::string::npos) << message;
  // Into a merged tombstone: refused, naming where that record went.
  EXPECT_EQ(KindOf([&] { CheckMerge(merged_away, Stored("x")); }, &message),
            ErrorKind::kFailedPrecondition);
  EXPECT_NE(message.find("merged into 's'"), std::string::npos) << message;
  // Erased records on either side.
  const v1::Client erased = ErasedClient(Stored("e"), kNow);
  EXPECT_EQ(KindOf([&] { CheckMerge(erased, duplicate); }), ErrorKind::kFailedPrecondition);
  EXPECT_EQ(KindOf([&] { CheckMerge(survivor, erased); }), ErrorKind::kFailedPrecondition);
}

TEST(ClientMergeRulesTest, MostRestrictiveConsentWinsAndOneSidedDecisionsAreKept) {
  v1::Client survivor = Stored("s");
  v1::Client duplicate = Stored("d");
  SetConsent(&survivor, cv1::CONTACT_CHANNEL_EMAIL, true);
  SetConsent(&duplicate, cv1::CONTACT_CHANNEL_EMAIL, false);  // refused on one: refused
  SetConsent(&survivor, cv1::CONTACT_CHANNEL_SMS, false);
  SetConsent(&duplicate, cv1::CONTACT_CHANNEL_SMS, true);    // refused on the survivor: stays
  SetConsent(&duplicate, cv1::CONTACT_CHANNEL_PHONE, true);  // only the duplicate decided
  const v1::Client merged = MergeClientRecords(survivor, duplicate, kNow).survivor;
  EXPECT_FALSE(GrantedOn(merged, cv1::CONTACT_CHANNEL_EMAIL));
  EXPECT_FALSE(GrantedOn(merged, cv1::CONTACT_CHANNEL_SMS));
  EXPECT_TRUE(GrantedOn(merged, cv1::CONTACT_CHANNEL_PHONE));
  for (const v1::Consent& consent : merged.consents()) {
    if (consent.channel() == cv1::CONTACT_CHANNEL_EMAIL) {
      EXPECT_EQ(FromProtoTimestamp(consent.updated_at()), kNow);  // it changed now
    }
  }
}

TEST(ClientMergeRulesTest, FillsTheSurvivorsGapsAndLeavesATombstoneWithoutPersonalData) {
  v1::Client survivor = Stored("s");
  survivor.set_display_name("Li Na");
  survivor.mutable_demographics()->set_age_band(v1::AGE_BAND_25_34);
  v1::Tag* tag = survivor.add_tags();
  tag->set_kind(v1::TAG_KIND_INTEREST);
  tag->set_value("parenting");
  v1::Client duplicate = Stored("d");
  duplicate.set_display_name("Na Li");
  duplicate.set_email("lina@example.com");
  duplicate.mutable_demographics()->set_age_band(v1::AGE_BAND_35_44);
  duplicate.mutable_demographics()->set_region("Zhejiang");
  *duplicate.add_tags() = *tag;
  v1::Tag* concern = duplicate.add_tags();
  concern->set_kind(v1::TAG_KIND_CONCERN);
  concern->set_value("anxiety");

  const MergedClients merged = MergeClientRecords(survivor, duplicate, kNow);
  EXPECT_EQ(merged.survivor.display_name(), "Li Na");  // the survivor's own value stays
  EXPECT_EQ(merged.survivor.email(), "lina@example.com");
  EXPECT_EQ(merged.survivor.demographics().age_band(), v1::AGE_BAND_25_34);
  EXPECT_EQ(merged.survivor.demographics().region(), "Zhejiang");
  EXPECT_EQ(merged.survivor.tags_size(), 2);  // the shared tag once
  EXPECT_EQ(merged.survivor.version(), survivor.version() + 1);

  EXPECT_TRUE(merged.duplicate.erased());
  EXPECT_EQ(merged.duplicate.merged_into(), "s");
  EXPECT_TRUE(merged.duplicate.display_name().empty());
  EXPECT_TRUE(merged.duplicate.email().empty());
  EXPECT_EQ(merged.duplicate.tags_size(), 0);
  EXPECT_FALSE(merged.duplicate.has_demographics());
}

class MergeUseCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Client survivor = Stored("s");
    SetConsent(&survivor, cv1::CONTACT_CHANNEL_EMAIL, true);
    v1::Client duplicate = Stored("d");
    SetConsent(&duplicate, cv1::CONTACT_CHANNEL_EMAIL, false);
    use_cases_.Create(kTenant, survivor, "key-a");
    use_cases_.Create(kTenant, duplicate, "key-a");
  }

  v1::MergeClientsRequest Request(const std::string& survivor, const std::string& duplicate) {
    v1::MergeClientsRequest request;
    request.set_survivor_client_id(survivor);
    request.set_duplicate_client_id(duplicate);
    return request;
  }

  testing::FakeClientRepository repository_;
  testing::FixedClock clock_{kNow};
  int commits_ = 0;
  ClientUseCases use_cases_{repository_, clock_, [this] { ++commits_; }};
};

TEST_F(MergeUseCaseTest, ARetryReturnsTheSamePairAndWritesNothingMore) {
  const v1::MergeClientsResponse first = use_cases_.Merge(kTenant, Request("s", "d"), "key-m");
  EXPECT_FALSE(first.already_merged());
  EXPECT_EQ(first.duplicate().merged_into(), "s");
  const int commits = commits_;
  const size_t history = repository_.consent_history[kTenant]["s"].size();

  clock_.Advance(kMicrosPerSecond);
  const v1::MergeClientsResponse again = use_cases_.Merge(kTenant, Request("s", "d"), "key-m");
  EXPECT_TRUE(again.already_merged());
  EXPECT_EQ(again.survivor().SerializeAsString(), first.survivor().SerializeAsString());
  EXPECT_EQ(again.duplicate().SerializeAsString(), first.duplicate().SerializeAsString());
  EXPECT_EQ(commits_, commits);
  EXPECT_EQ(repository_.consent_history[kTenant]["s"].size(), history);
  EXPECT_EQ(repository_.moved_records.size(), 1U);
  // GetClient on the duplicate names the survivor.
  EXPECT_EQ(use_cases_.Get(kTenant, "d").merged_into(), "s");
}

TEST_F(MergeUseCaseTest, TheSurvivorsHistoryHoldsBothRecordsAndTheMergeChange) {
  use_cases_.Merge(kTenant, Request("s", "d"), "key-m");
  const auto& survivor_history = repository_.consent_history[kTenant]["s"];
  ASSERT_EQ(survivor_history.size(), 3U);  // its grant, the duplicate's refusal, the merge
  EXPECT_EQ(survivor_history[2].change.source(), v1::CONSENT_CHANGE_SOURCE_MERGE_CLIENTS);
  EXPECT_EQ(survivor_history[2].change.old_state(), v1::CONSENT_STATE_GRANTED);
  EXPECT_EQ(survivor_history[2].change.new_state(), v1::CONSENT_STATE_NOT_GRANTED);
  EXPECT_EQ(survivor_history[2].change.key_id(), "key-m");
  const auto& duplicate_history = repository_.consent_history[kTenant]["d"];
  ASSERT_EQ(duplicate_history.size(), 1U);
  EXPECT_EQ(duplicate_history[0].change.source(), v1::CONSENT_CHANGE_SOURCE_MERGE_CLIENTS);
  EXPECT_EQ(duplicate_history[0].change.channel(), cv1::CONTACT_CHANNEL_UNSPECIFIED);
}

TEST_F(MergeUseCaseTest, MergingIntoTheTombstoneOrAnotherSurvivorIsRefused) {
  use_cases_.Merge(kTenant, Request("s", "d"), "key-m");
  use_cases_.Create(kTenant, Stored("x"), "key-a");
  EXPECT_EQ(KindOf([&] { use_cases_.Merge(kTenant, Request("d", "x"), "key-m"); }),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(KindOf([&] { use_cases_.Merge(kTenant, Request("x", "d"), "key-m"); }),
            ErrorKind::kFailedPrecondition);
  EXPECT_EQ(KindOf([&] { use_cases_.Merge(kTenant, Request("s", "nobody"), "key-m"); }),
            ErrorKind::kNotFound);
}

}  // namespace
}  // namespace clienttier::profile
