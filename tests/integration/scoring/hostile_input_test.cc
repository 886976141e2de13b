// The hostile-input suite on a real scoring (issue 19 part 5): ids with injection text, 65
// characters, 10 MB strings, invalid UTF-8, money overflow, years 1 and 9999, unknown enums and
// a config horizon of int32's maximum. Each must answer INVALID_ARGUMENT naming the field and
// write no row in scoring's schema. (Scoring takes no list from its callers: the 100,000-item
// batch has nothing to aim at here.)
#include <limits>
#include <string>
#include <vector>

#include "tests/integration/scoring/scoring_fixture.h"
#include "tests/support/hostile_input.h"

namespace clienttier::scoring {
namespace {

using testing::HostileCase;

class ScoringHostileInputTest : public ScoringFixture {
 protected:
  grpc::Status Override(const std::string& client_id,
                        const std::function<void(v1::TierOverride*)>& spoil) {
    v1::SetTierOverrideRequest request;
    request.set_client_id(client_id);
    v1::TierOverride& rule = *request.mutable_override();
    rule.set_mode(v1::TierOverride::MODE_FLOOR);
    rule.set_tier(v1::TIER_T1);
    rule.set_reason("hostile");
    rule.mutable_expires_at()->set_seconds(now_seconds_ + 86400);
    spoil(&rule);
    v1::Score score;
    return stub_->SetTierOverride(Context(admin_a_).get(), request, &score);
  }
  grpc::Status Rate(const std::function<void(v1::ExchangeRate*)>& spoil) {
    v1::PutExchangeRateRequest request;
    v1::ExchangeRate& rate = *request.mutable_rate();
    rate.set_currency("USD");
    rate.mutable_effective_from()->set_seconds(now_seconds_ - now_seconds_ % 86400);
    rate.set_reporting_minor_per_minor_micros(7'000'000);
    spoil(&rate);
    v1::ExchangeRate put;
    return stub_->PutExchangeRate(Context(admin_a_).get(), request, &put);
  }
  grpc::Status Config(const std::function<void(v1::ScoringConfig*)>& spoil) {
    v1::GetScoringConfigRequest get;
    v1::PutScoringConfigRequest request;
    const grpc::Status read =
        stub_->GetScoringConfig(Context(admin_a_).get(), get, request.mutable_config());
    if (!read.ok()) {
      return read;
    }
    request.set_expected_version(request.config().version());
    spoil(request.mutable_config());
    v1::ScoringConfig put;
    return stub_->PutScoringConfig(Context(admin_a_).get(), request, &put);
  }
};

TEST_F(ScoringHostileInputTest, EachCaseIsRefusedNamingTheFieldAndWritesNothing) {
  CreateClient("c-1", writer_a_);
  RecordPurchase("p-1", "c-1", 10000, 3, writer_a_);
  WaitForScore("c-1", reader_a_, [](const v1::Score& s) { return s.lifetime_purchases() == 1; });
  const std::vector<HostileCase> cases = {
      {"injection text in a client id", "client_id",
       [&] {
         v1::ScoreClientRequest request;
         request.set_client_id(testing::InjectionText());
         v1::Score score;
         return stub_->ScoreClient(Context(writer_a_).get(), request, &score);
       }},
      {"a 65-character client id", "client_id",
       [&] { return Override(std::string(65, 'a'), [](v1::TierOverride*) {}); }},
      {"a 10 MB reason", "override.reason",
       [&] {
         return Override("c-1",
                         [](v1::TierOverride* r) { r->set_reason(testing::TenMegabytes()); });
       }},
      {"invalid UTF-8 in a reason", "reason",
       [&] {
         return Override("c-1", [](v1::TierOverride* r) { r->set_reason(testing::InvalidUtf8()); });
       }},
      {"an unknown tier", "override.tier",
       [&] {
         return Override("c-1",
                         [](v1::TierOverride* r) { r->set_tier(static_cast<v1::Tier>(99)); });
       }},
      {"an unknown override mode", "override.mode",
       [&] {
         return Override("c-1", [](v1::TierOverride* r) {
           r->set_mode(static_cast<v1::TierOverride::Mode>(42));
         });
       }},
      {"an override expiring in year 9999", "override.expires_at",
       [&] {
         return Override("c-1", [](v1::TierOverride* r) {
           r->mutable_expires_at()->set_seconds(testing::kYear9999Seconds);
         });
       }},
      {"an override expiring in year 1", "override.expires_at",
       [&] {
         return Override("c-1", [](v1::TierOverride* r) {
           r->mutable_expires_at()->set_seconds(testing::kYear1Seconds);
         });
       }},
      {"a rate from year 1", "rate.effective_from",
       [&] {
         return Rate([](v1::ExchangeRate* r) {
           r->mutable_effective_from()->set_seconds(testing::kYear1Seconds);
         });
       }},
      {"a rate from year 9999", "rate.effective_from",
       [&] {
         return Rate([](v1::ExchangeRate* r) {
           r->mutable_effective_from()->set_seconds(testing::kYear9999Seconds);
         });
       }},
      {"a rate overflowing", "rate.reporting_minor_per_minor_micros",
       [&] {
         return Rate([](v1::ExchangeRate* r) {
           r->set_reporting_minor_per_minor_micros(std::numeric_limits<int64_t>::max());
         });
       }},
      {"injection text as a currency", "rate.currency",
       [&] {
         return Rate([](v1::ExchangeRate* r) { r->set_currency(testing::InjectionText()); });
       }},
      {"a spend threshold overflowing", "spend_tier.growth_max_monthly_minor",
       [&] {
         return Config([](v1::ScoringConfig* c) {
           c->mutable_spend_tier()->set_growth_max_monthly_minor(
               std::numeric_limits<int64_t>::max());
         });
       }},
      {"a CLV horizon of int32's maximum", "clv.horizon_months",
       [&] {
         return Config([](v1::ScoringConfig* c) {
           c->mutable_clv()->set_horizon_months(std::numeric_limits<int32_t>::max());
         });
       }},
  };
  testing::ExpectEachRefusedWritingNothing(scoring_config_.mysql, tenant_a_, cases);
}

}  // namespace
}  // namespace clienttier::scoring
