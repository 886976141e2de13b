#pragma once

#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/processed_events.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox.h"
#include "common/outbox/outbox_writer.h"
#include "common/time/utc_time.h"
#include "services/referral/app/reward_settings.h"
#include "services/referral/domain/purchase.h"
#include "services/referral/domain/reward_rules.h"
#include "services/referral/storage/client_merge_repository.h"
#include "services/referral/storage/referral_repository.h"
#include "services/referral/storage/reward_repository.h"

namespace clienttier::referral {

// Attribution: a referee's first qualifying purchase converts its referral and writes the
// two-sided rewards once; every paid occasion marks its client paying; later purchases from
// client-profile's stream add referred revenue. Purchases arrive from ct:events:profile
// (ApplyProfileEvents) or from ConvertReferral (Convert); each call is one transaction with
// its outbox events.
//
// Locking, so concurrent calls stay exact and cannot deadlock one another: the buyers' and
// their referrers' referral_clients rows first, in one client-id-ordered pass (marking the
// buyers paid; the referrer cap is exact), then the referral rows.
// The ledger's unique key on (referral, side) is the last guard against a second reward.
class Conversion {
 public:
  Conversion(TransactionRunner& transactions, ReferralRepository& referrals,
             RewardRepository& rewards, ProcessedEventLog& processed, OutboxWriter& outbox,
             RewardSettings& settings, const Clock& clock, ClientMergeRepository* merges = nullptr);

  // NotFound when the client was not referred.
  v1::ConvertReferralResponse Convert(const std::string& tenant_id, const Purchase& purchase);

  // Applies client-profile events (paid transactions, and merges when `merges` is set) in one
  // transaction, in stream order; returns how many were new. Only those two are recorded as
  // processed (a duplicate of one is not new); any other event means nothing to referral and
  // counts as new however often it comes. ApplyProfileEvent is the one-at-a-time fallback;
  // false for a duplicate.
  int ApplyProfileEvents(const std::vector<::clienttier::profile::v1::ProfileEvent>& events);
  bool ApplyProfileEvent(const ::clienttier::profile::v1::ProfileEvent& event);

 private:
  // The conversions (and referred revenue) purchases of one tenant cause, in order, inside
  // the caller's transaction; one response per purchase (outcome UNSPECIFIED: not a referee).
  std::vector<v1::ConvertReferralResponse> ApplyPurchases(Transaction& transaction,
                                                          const std::string& tenant_id,
                                                          const RewardRules& rules,
                                                          const std::vector<Purchase>& purchases,
                                                          std::vector<OutboxEvent>* events);

  TransactionRunner& transactions_;
  ReferralRepository& referrals_;
  RewardRepository& rewards_;
  ProcessedEventLog& processed_;
  OutboxWriter& outbox_;
  RewardSettings& settings_;
  const Clock& clock_;
  ClientMergeRepository* merges_;
};

}  // namespace clienttier::referral
