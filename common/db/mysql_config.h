#pragma once

#include <string>

#include "common/config/config_reader.h"

namespace clienttier {

struct MySqlConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  int pool_size = 16;
  int connect_timeout_s = 3;
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  int acquire_timeout_ms = 2000;
  // Connect, read and write timeout of the health check's own connection: a frozen server must
  // fail the check within seconds, not after read_timeout_s.
  int ping_timeout_s = 1;
};

// Reads mysql-host, mysql-port, mysql-user, mysql-password (or mysql-password-file),
// mysql-database (default given by the service), mysql-pool-size and the timeouts.
MySqlConfig ReadMySqlConfig(ConfigReader& reader, const std::string& default_database);

}  // namespace clienttier
