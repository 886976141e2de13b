#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "services/scoring/domain/client_facts.h"

namespace clienttier::scoring {

// Which interaction counter of a client's aggregates an event adds one to.
enum class ActivityCounter { kNone, kLogins, kEventsAttended, kContentUses, kShares };

// What one profile event means for scoring's per-client aggregates. The storage applies it;
// deciding it needs no I/O.
struct AggregateChange {
  enum class Kind {
    kNone,          // an event scoring does not use (profile updates change nothing it reads)
    kClientKnown,   // the client exists (no aggregate moves yet)
    kPaidOccasion,  // a purchase or session: one paid-day row, and the client was active
    kActivity,      // an interaction: the client was active, maybe one counter moves
    kErased,        // the client is erased: no score any more
    kMerged,        // `client_id` was merged into `survivor_id`: its aggregates fold into the
                    // survivor's, it is left erased (not commutative: applied in stream order)
  };
  Kind kind = Kind::kNone;
  std::string client_id;
  std::string survivor_id;  // kMerged only
  Day day = 0;              // the UTC day the event occurred (kPaidOccasion, kActivity)
  // kPaidOccasion: the occasion in the transaction's currency.
  std::string currency;
  int64_t purchases = 0;
  int64_t sessions = 0;
  int64_t spend_minor = 0;
  // kActivity: the counter to increment, and whether it was a login.
  ActivityCounter counter = ActivityCounter::kNone;
  bool login = false;
  // kPaidOccasion of a refund: negative spend (and -1 occasion once the original is refunded
  // in full) on the refunded transaction's day; not activity of its own.
  bool refund = false;
  // kClientKnown: the client's acquisition as of `client_version` (ClientCreated, or
  // ClientUpdated when the acquisition changed; 0 for other changes): its day (kNever: not
  // given), channel and cost (for cohorts and LTV/CAC, issue 17 part 7).
  Day acquired_day = kNever;
  int64_t client_version = 0;
  std::string acquisition_channel;
  int64_t acquisition_cost_minor = 0;
  std::string acquisition_cost_currency;
};

// The changes a profile event makes to its client's aggregates, in the order they are applied:
// one per transaction or interaction of a TransactionsRecorded or InteractionsRecorded (a
// refund without its original makes none), one for the other events scoring uses, none for an
// event it does not use (kind kNone is never returned).
std::vector<AggregateChange> AggregateChangesOf(
    const ::clienttier::profile::v1::ProfileEvent& event);

}  // namespace clienttier::scoring
