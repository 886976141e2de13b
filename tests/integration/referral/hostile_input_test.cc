// The hostile-input suite on a real referral (issue 19 part 5): ids with injection text, 65
// characters, 10 MB strings, invalid UTF-8, money overflow, years 1 and 9999, unknown enums and
// a 100,000-item batch. Each must answer INVALID_ARGUMENT naming the field and write no row in
// referral's schema.
#include <limits>
#include <string>
#include <vector>

#include "tests/integration/referral/referral_fixture.h"
#include "tests/support/hostile_input.h"

namespace clienttier::referral {
namespace {

using testing::HostileCase;

class ReferralHostileInputTest : public ReferralFixture {
 protected:
  grpc::Status Issue(const std::string& client_id) {
    v1::IssueCodeRequest request;
    request.set_client_id(client_id);
    v1::ReferralCode code;
    return stub_->IssueCode(Context(writer_a_).get(), request, &code);
  }
  grpc::Status RegisterOne(const std::string& code, const std::string& referee) {
    v1::RegisterReferralRequest request;
    request.set_code(code);
    request.set_referee_client_id(referee);
    v1::Referral referral;
    return stub_->RegisterReferral(Context(writer_a_).get(), request, &referral);
  }
  grpc::Status Convert(const std::function<void(v1::ConvertReferralRequest*)>& spoil) {
    v1::ConvertReferralRequest request;
    request.set_referee_client_id("c-2");
    request.set_transaction_id("t-1");
    request.mutable_amount()->set_units(100);
    request.mutable_amount()->set_currency("CNY");
    request.mutable_occurred_at()->set_seconds(now_seconds_ - 3600);
    spoil(&request);
    v1::ConvertReferralResponse response;
    return stub_->ConvertReferral(Context(writer_a_).get(), request, &response);
  }
  // The tenant's current rules (the defaults) with one field spoiled.
  grpc::Status Rules(const std::function<void(v1::RewardRules*)>& spoil) {
    v1::GetRewardRulesRequest get;
    v1::PutRewardRulesRequest request;
    const grpc::Status read =
        stub_->GetRewardRules(Context(admin_a_).get(), get, request.mutable_rules());
    if (!read.ok()) {
      return read;
    }
    request.set_expected_version(request.rules().version());
    spoil(request.mutable_rules());
    v1::RewardRules put;
    return stub_->PutRewardRules(Context(admin_a_).get(), request, &put);
  }
};

TEST_F(ReferralHostileInputTest, EachCaseIsRefusedNamingTheFieldAndWritesNothing) {
  const std::string code = IssueCode("c-1", writer_a_);
  const std::vector<HostileCase> cases = {
      {"injection text in a client id", "client_id",
       [&] { return Issue(testing::InjectionText()); }},
      {"a 65-character client id", "client_id", [&] { return Issue(std::string(65, 'a')); }},
      {"a 10 MB code", "code", [&] { return RegisterOne(testing::TenMegabytes(), "c-2"); }},
      {"injection text in a referee", "referee_client_id",
       [&] { return RegisterOne(code, testing::InjectionText()); }},
      {"invalid UTF-8 in a referee", "referee_client_id",
       [&] { return RegisterOne(code, testing::InvalidUtf8()); }},
      {"a 10 MB referee", "referee_client_id",
       [&] { return RegisterOne(code, testing::TenMegabytes()); }},
      {"an amount overflowing", "amount",
       [&] {
         return Convert([](v1::ConvertReferralRequest* r) {
           r->mutable_amount()->set_units(std::numeric_limits<int64_t>::max());
         });
       }},
      {"a purchase in year 1", "occurred_at",
       [&] {
         return Convert([](v1::ConvertReferralRequest* r) {
           r->mutable_occurred_at()->set_seconds(testing::kYear1Seconds);
         });
       }},
      {"a purchase in year 9999", "occurred_at",
       [&] {
         return Convert([](v1::ConvertReferralRequest* r) {
           r->mutable_occurred_at()->set_seconds(testing::kYear9999Seconds);
         });
       }},
      {"injection text in a transaction id", "transaction_id",
       [&] {
         return Convert([](v1::ConvertReferralRequest* r) {
           r->set_transaction_id(testing::InjectionText());
         });
       }},
      {"a reward overflowing", "rules.referrer_reward",
       [&] {
         return Rules([](v1::RewardRules* r) {
           r->mutable_referrer_reward()->set_units(std::numeric_limits<int64_t>::max());
         });
       }},
      {"an unknown reward kind", "rules.kind",
       [&] {
         return Rules([](v1::RewardRules* r) { r->set_kind(static_cast<v1::RewardKind>(99)); });
       }},
      {"an invitation count overflowing", "count",
       [&] {
         v1::RecordInvitationsRequest request;
         request.set_client_id("c-1");
         request.set_count(std::numeric_limits<int32_t>::max());
         request.set_idempotency_key("hostile");
         v1::RecordInvitationsResponse response;
         return stub_->RecordInvitations(Context(writer_a_).get(), request, &response);
       }},
      {"a 100,000-item batch", "referrals",
       [&] {
         v1::RegisterReferralsRequest request;
         for (int i = 0; i < 100000; ++i) {
           v1::RegisterReferralRequest& one = *request.add_referrals();
           one.set_code(code);
           one.set_referee_client_id("bulk-" + std::to_string(i));
         }
         v1::RegisterReferralsResponse response;
         return stub_->RegisterReferrals(Context(writer_a_).get(), request, &response);
       }},
  };
  testing::ExpectEachRefusedWritingNothing(referral_config_.mysql, tenant_a_, cases);
}

}  // namespace
}  // namespace clienttier::referral
