#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/db/processed_events.h"
#include "common/db/transaction.h"

namespace clienttier::testing {

// Runs work at once and counts it. The fakes of tests/support keep their rows in memory and do
// not roll back: a use-case test that needs "writes nothing on error" checks that the use case
// validated before it wrote.
class FakeTransactionRunner final : public TransactionRunner {
 public:
  void InTransaction(const std::function<void(Transaction&)>& work) override {
    Transaction transaction;
    work(transaction);
    ++transactions;
  }
  void Read(const std::function<void(Transaction&)>& work) override {
    Transaction transaction;
    work(transaction);
    ++reads;
  }

  int transactions = 0;  // committed (work returned)
  int reads = 0;
};

// processed_events in memory: an id is new once.
class FakeProcessedEventLog final : public ProcessedEventLog {
 public:
  std::vector<bool> MarkProcessed(
      Transaction& /*transaction*/,
      const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids,
      UnixMicros /*now*/) override {
    std::vector<bool> fresh;
    fresh.reserve(event_and_tenant_ids.size());
    for (const auto& [event_id, tenant_id] : event_and_tenant_ids) {
      fresh.push_back(ids.insert(event_id).second);
    }
    return fresh;
  }

  std::set<std::string> ids;
};

}  // namespace clienttier::testing
