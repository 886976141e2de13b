#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "common/db/mysql_config.h"
#include "common/observability/metrics.h"

namespace clienttier {

// A fixed-size pool of Connector/C++ connections. Connections open lazily, use UTC and
// utf8mb4, and carry connect/read/write timeouts. A connection that failed with a client
// error (lost, timed out) is discarded instead of returned, so the next acquire reconnects.
class MySqlPool {
 public:
  // Connects without a default schema when `config.database` is empty.
  MySqlPool(MySqlConfig config, MetricsRegistry* metrics);
  ~MySqlPool();
  MySqlPool(const MySqlPool&) = delete;
  MySqlPool& operator=(const MySqlPool&) = delete;

  class Lease {
   public:
    Lease(MySqlPool* pool, std::unique_ptr<sql::Connection> connection);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    sql::Connection& operator*() const { return *connection_; }
    sql::Connection* operator->() const { return connection_.get(); }
    // Drops the connection instead of returning it (its state is unknown).
    void Discard() { discard_ = true; }

   private:
    MySqlPool* pool_;
    std::unique_ptr<sql::Connection> connection_;
    bool discard_ = false;
  };

  // Throws Unavailable when no connection frees up within the acquire timeout or MySQL cannot
  // be reached.
  Lease Acquire();

  // Runs `work` inside a transaction and commits. Deadlocks and lock wait timeouts are retried
  // (up to 3 attempts); SQL errors become DomainErrors (see ThrowAsDomainError).
  void InTransaction(const std::function<void(sql::Connection&)>& work);
  // Runs `work` on a connection in autocommit mode, with the same error translation.
  void WithConnection(const std::function<void(sql::Connection&)>& work);

  // SELECT 1 on a connection of its own with ping_timeout_s timeouts, for health checks: a
  // frozen server fails it in seconds (a pooled connection would wait read_timeout_s), and a
  // pool busy with slow queries does not fail it.
  bool Ping();

  const MySqlConfig& config() const { return config_; }

 private:
  std::unique_ptr<sql::Connection> Connect();
  std::unique_ptr<sql::Connection> Connect(int connect_timeout_s, int read_timeout_s,
                                           int write_timeout_s);
  void Release(std::unique_ptr<sql::Connection> connection, bool discard);

  MySqlConfig config_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<sql::Connection>> idle_;
  std::mutex ping_mutex_;  // one ping at a time over ping_connection_
  std::unique_ptr<sql::Connection> ping_connection_;
  int open_ = 0;
  int in_use_ = 0;
  Counter* acquire_timeouts_ = nullptr;
  Counter* connect_failures_ = nullptr;
  Counter* transaction_retries_ = nullptr;
};

// Translates a Connector/C++ exception into the domain vocabulary and throws it:
// 1062 duplicate key -> AlreadyExists, client-side errors (2000-2999: lost connection,
// timeouts, cannot connect) and server shutdown -> Unavailable, anything else -> Internal.
[[noreturn]] void ThrowAsDomainError(const std::exception& error);

// True for MySQL error codes after which the connection must not be reused.
bool IsConnectionError(int mysql_error_code);

}  // namespace clienttier
