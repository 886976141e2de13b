// The hostile-input suite on a real campaign (issue 19 part 5): ids with injection text, 65
// characters, 10 MB strings, invalid UTF-8, money overflow, years 1 and 9999, schedules more
// than five years ahead, unknown enums, 100,000-item lists and deeply nested segment rules.
// Each must answer INVALID_ARGUMENT naming the field and write no row in campaign's schema.
#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "tests/integration/campaign/campaign_fixture.h"
#include "tests/support/hostile_input.h"

namespace clienttier::campaign {
namespace {

using testing::HostileCase;

class CampaignHostileInputTest : public CampaignFixture {
 protected:
  grpc::Status Segment(const std::function<void(v1::Segment*)>& spoil) {
    v1::CreateSegmentRequest request;
    request.mutable_segment()->set_segment_id("hostile");
    request.mutable_segment()->set_name("Hostile");
    request.mutable_segment()->set_rule("tier = \"T1\"");
    spoil(request.mutable_segment());
    v1::Segment created;
    return stub_->CreateSegment(Context(admin_a_).get(), request, &created);
  }
  grpc::Status Campaign(const std::function<void(v1::Campaign*)>& spoil) {
    v1::CreateCampaignRequest request;
    v1::Campaign& campaign = *request.mutable_campaign();
    campaign.set_campaign_id("hostile");
    campaign.set_name("Hostile");
    campaign.set_segment_id("base");
    campaign.set_channel(common::v1::CONTACT_CHANNEL_EMAIL);
    campaign.mutable_schedule()->mutable_start_at()->set_seconds(now_seconds_ + 86400);
    spoil(&campaign);
    v1::Campaign created;
    return stub_->CreateCampaign(Context(admin_a_).get(), request, &created);
  }
  grpc::Status Outcome(const std::function<void(v1::RecordOutcomeRequest*)>& spoil) {
    v1::RecordOutcomeRequest request;
    request.set_campaign_id("base-campaign");
    request.set_client_id("c-1");
    request.set_idempotency_key("hostile-1");
    request.set_converted(true);
    request.mutable_revenue()->set_units(100);
    request.mutable_revenue()->set_currency("CNY");
    spoil(&request);
    v1::RecordOutcomeResponse response;
    return stub_->RecordOutcome(Context(admin_a_).get(), request, &response);
  }
};

TEST_F(CampaignHostileInputTest, EachCaseIsRefusedNamingTheFieldAndWritesNothing) {
  CreateSegment("base", "tier = \"T1\"", admin_a_);
  CreateCampaign("base-campaign", "base", 1000, admin_a_);
  const int64_t six_years = 6 * 366 * 86400LL;
  std::string deep_rule;
  for (int i = 0; i < 10000; ++i) {
    deep_rule += "(";
  }
  deep_rule += "tier = \"T1\"";
  for (int i = 0; i < 10000; ++i) {
    deep_rule += ")";
  }
  std::string long_and_rule = "tier = \"T1\"";
  for (int i = 0; i < 100000; ++i) {
    long_and_rule += " and tier = \"T1\"";
  }
  const std::vector<HostileCase> cases = {
      {"injection text in a segment id", "segment.segment_id",
       [&] {
         return Segment([](v1::Segment* s) { s->set_segment_id(testing::InjectionText()); });
       }},
      {"a 65-character campaign id", "campaign.campaign_id",
       [&] { return Campaign([](v1::Campaign* c) { c->set_campaign_id(std::string(65, 'a')); }); }},
      {"injection text in a campaign's segment id", "campaign.segment_id",
       [&] {
         return Campaign([](v1::Campaign* c) { c->set_segment_id(testing::InjectionText()); });
       }},
      {"a 10 MB segment name", "segment.name",
       [&] { return Segment([](v1::Segment* s) { s->set_name(testing::TenMegabytes()); }); }},
      {"a 10 MB rule", "segment.rule",
       [&] { return Segment([](v1::Segment* s) { s->set_rule(testing::TenMegabytes()); }); }},
      {"a 10 MB offer text", "campaign.offer.text",
       [&] {
         return Campaign(
             [](v1::Campaign* c) { c->mutable_offer()->set_text(testing::TenMegabytes()); });
       }},
      {"invalid UTF-8 in a segment name", "name",
       [&] { return Segment([](v1::Segment* s) { s->set_name(testing::InvalidUtf8()); }); }},
      {"a rule nested 10,000 deep", "segment.rule",
       [&] { return Segment([&](v1::Segment* s) { s->set_rule(deep_rule); }); }},
      {"a rule of 100,000 conditions", "segment.rule",
       [&] { return Segment([&](v1::Segment* s) { s->set_rule(long_and_rule); }); }},
      {"an unknown channel", "campaign.channel",
       [&] {
         return Campaign(
             [](v1::Campaign* c) { c->set_channel(static_cast<common::v1::ContactChannel>(999)); });
       }},
      {"an unknown trigger", "campaign.trigger",
       [&] {
         return Campaign(
             [](v1::Campaign* c) { c->set_trigger(static_cast<v1::CampaignTrigger>(77)); });
       }},
      {"a start in year 1", "campaign.schedule.start_at",
       [&] {
         return Campaign([](v1::Campaign* c) {
           c->mutable_schedule()->mutable_start_at()->set_seconds(testing::kYear1Seconds);
         });
       }},
      {"a start in year 9999", "campaign.schedule.start_at",
       [&] {
         return Campaign([](v1::Campaign* c) {
           c->mutable_schedule()->mutable_start_at()->set_seconds(testing::kYear9999Seconds);
         });
       }},
      {"a start six years ahead", "campaign.schedule.start_at",
       [&] {
         return Campaign([&](v1::Campaign* c) {
           c->mutable_schedule()->mutable_start_at()->set_seconds(now_seconds_ + six_years);
         });
       }},
      {"an end six years ahead", "campaign.schedule.end_at",
       [&] {
         return Campaign([&](v1::Campaign* c) {
           c->mutable_schedule()->mutable_end_at()->set_seconds(now_seconds_ + six_years);
         });
       }},
      {"an offer value overflowing", "campaign.offer.value",
       [&] {
         return Campaign([](v1::Campaign* c) {
           c->mutable_offer()->mutable_value()->set_units(std::numeric_limits<int64_t>::max());
           c->mutable_offer()->mutable_value()->set_currency("CNY");
         });
       }},
      {"a holdout over 100%", "campaign.holdout_bp",
       [&] { return Campaign([](v1::Campaign* c) { c->set_holdout_bp(10001); }); }},
      {"revenue overflowing", "revenue",
       [&] {
         return Outcome([](v1::RecordOutcomeRequest* r) {
           r->mutable_revenue()->set_units(std::numeric_limits<int64_t>::max());
         });
       }},
      {"an outcome in year 1", "occurred_at",
       [&] {
         return Outcome([](v1::RecordOutcomeRequest* r) {
           r->mutable_occurred_at()->set_seconds(testing::kYear1Seconds);
         });
       }},
      {"an outcome in year 9999", "occurred_at",
       [&] {
         return Outcome([](v1::RecordOutcomeRequest* r) {
           r->mutable_occurred_at()->set_seconds(testing::kYear9999Seconds);
         });
       }},
      {"injection text in an outcome's client id", "client_id",
       [&] {
         return Outcome(
             [](v1::RecordOutcomeRequest* r) { r->set_client_id(testing::InjectionText()); });
       }},
      {"100,000 frequency caps", "settings.caps",
       [&] {
         v1::PutCampaignSettingsRequest request;
         for (int i = 0; i < 100000; ++i) {
           v1::FrequencyCap& cap = *request.mutable_settings()->add_caps();
           cap.set_max_contacts(1);
           cap.set_window_days(1 + i % 365);
         }
         v1::CampaignSettings settings;
         return stub_->PutCampaignSettings(Context(admin_a_).get(), request, &settings);
       }},
  };
  testing::ExpectEachRefusedWritingNothing(campaign_config_.mysql, tenant_a_, cases);
}

}  // namespace
}  // namespace clienttier::campaign
