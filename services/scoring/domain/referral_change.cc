#include "services/scoring/domain/referral_change.h"

#include "common/time/utc_time.h"
#include "services/scoring/domain/calendar_days.h"

namespace clienttier::scoring {

namespace rv1 = ::clienttier::referral::v1;

namespace {

Day DayOrEvent(bool has_time, const google::protobuf::Timestamp& time,
               const rv1::ReferralEvent& event) {
  return DayOfMicros(FromProtoTimestamp(has_time ? time : event.occurred_at()));
}

}  // namespace

std::optional<DatedReferral> DatedReferralOf(const rv1::ReferralEvent& event) {
  const rv1::Referral* referral = nullptr;
  bool converted = false;
  switch (event.payload_case()) {
    case rv1::ReferralEvent::kReferralRegistered:
      referral = &event.referral_registered().referral();
      break;
    case rv1::ReferralEvent::kReferralConverted:
      referral = &event.referral_converted().referral();
      converted = true;
      break;
    default:
      return std::nullopt;
  }
  if (referral->referral_id().empty() || referral->referrer_client_id().empty()) {
    return std::nullopt;
  }
  DatedReferral dated;
  dated.referral_id = referral->referral_id();
  dated.referrer_client_id = referral->referrer_client_id();
  dated.registered_day =
      DayOrEvent(referral->has_registered_at(), referral->registered_at(), event);
  if (converted) {
    dated.converted_day = DayOrEvent(referral->has_converted_at(), referral->converted_at(), event);
  }
  return dated;
}

}  // namespace clienttier::scoring
