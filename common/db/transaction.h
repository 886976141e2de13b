#pragma once

#include <functional>

namespace sql {
class Connection;
}

namespace clienttier {

class MySqlPool;

// An open unit of work that repositories read and write through. Use cases pass it along and
// never look inside: with MySQL it is a connection (inside a transaction for InTransaction), with
// the fakes of tests/support it carries nothing.
class Transaction {
 public:
  virtual ~Transaction() = default;
};

// Where use cases get a Transaction. A use case that changes data runs all its repository calls
// in one InTransaction, so they commit together or not at all.
class TransactionRunner {
 public:
  virtual ~TransactionRunner() = default;
  // Runs `work` in one transaction and commits; any exception rolls it back and propagates.
  // `work` may run more than once (the MySQL runner retries deadlocks), so it must not keep
  // effects outside the transaction.
  virtual void InTransaction(const std::function<void(Transaction&)>& work) = 0;
  // Runs `work` for reads that need no transaction (autocommit with MySQL).
  virtual void Read(const std::function<void(Transaction&)>& work) = 0;
};

// The MySQL Transaction: a connection leased from the pool for the duration of the work.
class MySqlTransaction final : public Transaction {
 public:
  explicit MySqlTransaction(sql::Connection& connection) : connection_(connection) {}
  sql::Connection& connection() const { return connection_; }

 private:
  sql::Connection& connection_;
};

// For storage/mysql only: the connection behind a Transaction a MySqlTransactionRunner made.
// Throws Internal for any other Transaction (a fake handed to a MySQL repository is a wiring bug).
sql::Connection& ConnectionOf(Transaction& transaction);

// Runs work on MySqlPool (deadlock retry and error translation as MySqlPool::InTransaction).
class MySqlTransactionRunner final : public TransactionRunner {
 public:
  explicit MySqlTransactionRunner(MySqlPool& pool) : pool_(pool) {}
  void InTransaction(const std::function<void(Transaction&)>& work) override;
  void Read(const std::function<void(Transaction&)>& work) override;

 private:
  MySqlPool& pool_;
};

}  // namespace clienttier
