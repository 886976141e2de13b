#pragma once

#include <string>
#include <vector>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "common/outbox/outbox.h"
#include "common/outbox/outbox_writer.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/storage/score_repository.h"

namespace clienttier::scoring {

// What a set of computed scores writes: the score rows, the tier history rows and the events
// (tier_changed, churn_warning), all in one transaction.
struct ScoreChanges {
  std::vector<StoredScore> scores;
  std::vector<::clienttier::scoring::v1::TierChange> tier_changes;
  std::vector<OutboxEvent> events;
};

// Adds a computed score and what follows from it to `changes` (no I/O). Events describe
// changes since the previous score, so a client's first score emits none (its initial tier
// and warning are in the score, and ListChurnWarnings lists the warning): a tenant's first
// batch over a million existing clients must not flood the history and the stream (nor start
// a welcome campaign for every long-standing T1 client). Every later move is recorded and
// emitted.
void CollectScoreChanges(const std::string& tenant_id, const ComputedScore& computed,
                         const PreviousScore* previous, UnixMicros now, ScoreChanges* changes);
// The same, moving the score into `changes` instead of copying it (a batch's million scores).
void CollectScoreChanges(const std::string& tenant_id, ComputedScore&& computed,
                         const PreviousScore* previous, UnixMicros now, ScoreChanges* changes);

// Writes ScoreChanges in the caller's transaction: scores, then tier history, then events.
class ScoreChangeWriter {
 public:
  ScoreChangeWriter(ScoreRepository& scores, OutboxWriter& outbox)
      : scores_(scores), outbox_(outbox) {}

  void Write(Transaction& transaction, const std::string& tenant_id,
             const ScoreChanges& changes) const;

 private:
  ScoreRepository& scores_;
  OutboxWriter& outbox_;
};

}  // namespace clienttier::scoring
