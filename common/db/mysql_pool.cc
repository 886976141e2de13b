#include "common/db/mysql_pool.h"

#include <algorithm>
#include <string>

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "common/errors/domain_error.h"
#include "common/observability/logger.h"

namespace clienttier {

namespace {

constexpr int kDuplicateKey = 1062;
constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;
constexpr int kServerShutdown = 1053;
constexpr int kMaxTransactionAttempts = 3;

// InnoDB's lock wait for a session whose reads time out after `read_timeout_s`: half of it, so a
// statement waiting on another transaction's rows fails on the server as a lock wait timeout
// (1205: rolled back and retried by InTransaction, a conflict past its attempts) before the
// client gives up on the reply. With the server's default of 50 s against a 10 s read timeout
// such a wait ended as a lost connection (2013): an outage that paused scoring's referral
// consumer in a 200,000-client demo, while the abandoned statement kept its locks on the
// server until it noticed.
int LockWaitSecondsFor(int read_timeout_s) { return std::max(1, read_timeout_s / 2); }

}  // namespace

bool IsConnectionError(int mysql_error_code) {
  return (mysql_error_code >= 2000 && mysql_error_code < 3000) ||
         mysql_error_code == kServerShutdown || mysql_error_code == 1927 /* connection killed */;
}

void ThrowAsDomainError(const std::exception& error) {
  if (const auto* domain = dynamic_cast<const DomainError*>(&error)) {
    throw *domain;
  }
  if (const auto* sql_error = dynamic_cast<const sql::SQLException*>(&error)) {
    const int code = sql_error->getErrorCode();
    if (code == kDuplicateKey) {
      throw AlreadyExists("already exists");
    }
    if (IsConnectionError(code)) {
      Logger::LogRateLimited("mysql-unavailable", std::chrono::seconds(5), Severity::kWarning,
                             "mysql unavailable",
                             {{"mysql_error", code}, {"detail", sql_error->what()}});
      throw Unavailable("database unavailable");
    }
    if (code == kDeadlock || code == kLockWaitTimeout) {
      // Contention, not a fault of the request or the event: another transaction held the rows
      // (InTransaction has already retried). ABORTED for a caller; a stream consumer retries
      // the read without counting it against the events (IsOutage).
      Logger::LogRateLimited("mysql-conflict", std::chrono::seconds(5), Severity::kWarning,
                             "mysql transaction lost a lock conflict",
                             {{"mysql_error", code}, {"detail", sql_error->what()}});
      throw Conflict("transaction conflict (mysql error " + std::to_string(code) + "); retry");
    }
    LogError("mysql error", {{"mysql_error", code}, {"detail", sql_error->what()}});
    throw Internal(std::string("mysql error ") + std::to_string(code));
  }
  throw Internal(error.what());
}

MySqlPool::MySqlPool(MySqlConfig config, MetricsRegistry* metrics) : config_(std::move(config)) {
  if (metrics != nullptr) {
    acquire_timeouts_ = &metrics->GetCounter("ct_mysql_acquire_timeouts_total",
                                             "Acquires that waited too long for a connection");
    connect_failures_ =
        &metrics->GetCounter("ct_mysql_connect_failures_total", "Failed MySQL connection attempts");
    transaction_retries_ = &metrics->GetCounter(
        "ct_mysql_transaction_retries_total",
        "Transactions rolled back by a deadlock or a lock wait timeout and run again");
    metrics->AddGauge("ct_mysql_pool_in_use", "MySQL connections leased out", {}, [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      return static_cast<double>(in_use_);
    });
    metrics->AddGauge("ct_mysql_pool_open", "MySQL connections open", {}, [this] {
      std::lock_guard<std::mutex> lock(mutex_);
      return static_cast<double>(open_);
    });
    metrics->AddGauge("ct_mysql_pool_size", "MySQL pool capacity", {},
                      [this] { return static_cast<double>(config_.pool_size); });
  }
}

MySqlPool::~MySqlPool() = default;

std::unique_ptr<sql::Connection> MySqlPool::Connect() {
  return Connect(config_.connect_timeout_s, config_.read_timeout_s, config_.write_timeout_s);
}

std::unique_ptr<sql::Connection> MySqlPool::Connect(int connect_timeout_s, int read_timeout_s,
                                                    int write_timeout_s) {
  sql::ConnectOptionsMap options;
  options["hostName"] =
      sql::SQLString("tcp://" + config_.host + ":" + std::to_string(config_.port));
  options["userName"] = sql::SQLString(config_.user);
  options["password"] = sql::SQLString(config_.password);
  if (!config_.database.empty()) {
    options["schema"] = sql::SQLString(config_.database);
  }
  options["OPT_CONNECT_TIMEOUT"] = connect_timeout_s;
  options["OPT_READ_TIMEOUT"] = read_timeout_s;
  options["OPT_WRITE_TIMEOUT"] = write_timeout_s;
  options["OPT_RECONNECT"] = false;  // a silent reconnect would lose session state mid-transaction
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  if (!config_.tls_ca_file.empty()) {
    options["sslCA"] = sql::SQLString(config_.tls_ca_file);
    options["sslVerify"] = true;   // the chain and the host name
    options["sslEnforce"] = true;  // never fall back to a plain connection
    if (!config_.tls_cert_file.empty()) {
      options["sslCert"] = sql::SQLString(config_.tls_cert_file);
      options["sslKey"] = sql::SQLString(config_.tls_key_file);
    }
  }
  try {
    sql::Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> connection(driver->connect(options));
    std::unique_ptr<sql::Statement> statement(connection->createStatement());
    statement->execute("SET time_zone = '+00:00'");
    statement->execute(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'");
    statement->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    statement->execute("SET SESSION innodb_lock_wait_timeout = " +
                       std::to_string(LockWaitSecondsFor(read_timeout_s)));
    return connection;
  } catch (const sql::SQLException& error) {
    if (connect_failures_ != nullptr) {
      connect_failures_->Increment();
    }
    Logger::LogRateLimited("mysql-connect", std::chrono::seconds(5), Severity::kWarning,
                           "mysql connect failed",
                           {{"mysql_error", error.getErrorCode()}, {"detail", error.what()}});
    throw Unavailable("database unavailable");
  }
}

MySqlPool::Lease MySqlPool::Acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.acquire_timeout_ms);
  while (idle_.empty() && open_ >= config_.pool_size) {
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= config_.pool_size) {
      if (acquire_timeouts_ != nullptr) {
        acquire_timeouts_->Increment();
      }
      throw Unavailable("database connection pool exhausted");
    }
  }
  ++in_use_;
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_;  // reserve the slot, connect outside the lock
  lock.unlock();
  try {
    return Lease(this, Connect());
  } catch (...) {
    lock.lock();
    --open_;
    --in_use_;
    freed_.notify_one();
    throw;
  }
}

void MySqlPool::Release(std::unique_ptr<sql::Connection> connection, bool discard) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_use_;
    if (discard || connection == nullptr) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  freed_.notify_one();
}

MySqlPool::Lease::Lease(MySqlPool* pool, std::unique_ptr<sql::Connection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

MySqlPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

MySqlPool::Lease::~Lease() {
  if (pool_ != nullptr) {
    if (discard_ && connection_ != nullptr) {
      try {
        connection_->close();
      } catch (const std::exception&) {
        // closing a broken connection may fail; it is being dropped anyway
      }
    }
    pool_->Release(std::move(connection_), discard_);
  }
}

void MySqlPool::WithConnection(const std::function<void(sql::Connection&)>& work) {
  Lease lease = Acquire();
  try {
    work(*lease);
  } catch (const sql::SQLException& error) {
    if (IsConnectionError(error.getErrorCode())) {
      lease.Discard();
    }
    ThrowAsDomainError(error);
  }
}

void MySqlPool::InTransaction(const std::function<void(sql::Connection&)>& work) {
  for (int attempt = 1;; ++attempt) {
    Lease lease = Acquire();
    try {
      lease->setAutoCommit(false);
      work(*lease);
      lease->commit();
      lease->setAutoCommit(true);
      return;
    } catch (const std::exception& error) {
      const auto* sql_error = dynamic_cast<const sql::SQLException*>(&error);
      const int code = sql_error != nullptr ? sql_error->getErrorCode() : 0;
      if (IsConnectionError(code)) {
        lease.Discard();  // the server rolls back an interrupted transaction on its own
      } else {
        try {
          lease->rollback();
          lease->setAutoCommit(true);
        } catch (const std::exception&) {
          lease.Discard();
        }
      }
      if ((code == kDeadlock || code == kLockWaitTimeout) && attempt < kMaxTransactionAttempts) {
        if (transaction_retries_ != nullptr) {
          transaction_retries_->Increment();
        }
        continue;
      }
      ThrowAsDomainError(error);
    }
  }
}

bool MySqlPool::Ping() {
  std::lock_guard<std::mutex> lock(ping_mutex_);
  try {
    if (ping_connection_ == nullptr) {
      ping_connection_ =
          Connect(config_.ping_timeout_s, config_.ping_timeout_s, config_.ping_timeout_s);
    }
    std::unique_ptr<sql::Statement> statement(ping_connection_->createStatement());
    std::unique_ptr<sql::ResultSet> result(statement->executeQuery("SELECT 1"));
    return result->next();
  } catch (const std::exception&) {
    ping_connection_.reset();  // timed out or lost: its state is unknown, the next ping reconnects
    return false;
  }
}

}  // namespace clienttier
