#pragma once

#include <string>

#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "common/db/transaction.h"
#include "services/scoring/app/score_calculator.h"
#include "services/scoring/storage/aggregate_repository.h"

namespace clienttier::scoring {

// GetCohortReport (issue 17 part 7): the tenant's acquisition cohorts and LTV/CAC by channel,
// from the aggregates and the active CLV model. Reads only.
class CohortReports {
 public:
  // `readers`: connections the tenant is read on at once (unit tests over single-threaded fakes
  // use 1).
  CohortReports(TransactionRunner& transactions, const ScoreCalculator& calculator,
                AggregateRepository& aggregates, int readers = 2)
      : transactions_(transactions),
        calculator_(calculator),
        aggregates_(aggregates),
        readers_(readers) {}

  // The report as of `as_of` (activity after it left out), of the clients acquired through
  // `channel` (empty: every client). The caller validates both.
  ::clienttier::scoring::v1::CohortReport Report(const std::string& tenant_id, Day as_of,
                                                 const std::string& channel) const;

 private:
  TransactionRunner& transactions_;
  const ScoreCalculator& calculator_;
  AggregateRepository& aggregates_;
  int readers_;
};

}  // namespace clienttier::scoring
