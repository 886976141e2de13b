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
  // TLS to MySQL: with a CA file every connection is encrypted and the server's certificate
  // must chain to that CA and name the host connected to; a plain connection is refused.
  // Paths (the connector reads the files), not PEM text.
  std::string tls_ca_file;
  // Client certificate and key, for servers that require X509 (optional).
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Reads mysql-host, mysql-port, mysql-user, mysql-password (or mysql-password-file),
// mysql-database (default given by the service), mysql-pool-size, the timeouts and
// mysql-tls-ca-file / mysql-tls-cert-file / mysql-tls-key-file.
MySqlConfig ReadMySqlConfig(ConfigReader& reader, const std::string& default_database);

}  // namespace clienttier
