#include "common/db/mysql_config.h"

namespace clienttier {

MySqlConfig ReadMySqlConfig(ConfigReader& reader, const std::string& default_database) {
  MySqlConfig config;
  config.host = reader.String("mysql-host", config.host, "MySQL/MariaDB host");
  config.port = static_cast<int>(reader.Int("mysql-port", config.port, 1, 65535, "MySQL port"));
  config.user = reader.RequiredString("mysql-user", "MySQL user");
  config.password =
      reader.String("mysql-password", "", "MySQL password (prefer mysql-password-file)");
  config.database = reader.String("mysql-database", default_database, "this service's own schema");
  config.pool_size = static_cast<int>(
      reader.Int("mysql-pool-size", config.pool_size, 1, 512, "connections in the pool"));
  config.connect_timeout_s = static_cast<int>(
      reader.Int("mysql-connect-timeout-s", config.connect_timeout_s, 1, 60, "connect timeout"));
  config.read_timeout_s = static_cast<int>(
      reader.Int("mysql-read-timeout-s", config.read_timeout_s, 1, 600, "read timeout"));
  config.write_timeout_s = static_cast<int>(
      reader.Int("mysql-write-timeout-s", config.write_timeout_s, 1, 600, "write timeout"));
  config.acquire_timeout_ms =
      static_cast<int>(reader.Int("mysql-acquire-timeout-ms", config.acquire_timeout_ms, 1, 60000,
                                  "wait for a free connection"));
  // Read under their own names: the value is the path, which the connector opens itself.
  config.tls_ca_file = reader.String("mysql-tls-ca-file", "",
                                     "CA bundle (path) that turns on verified TLS to MySQL");
  config.tls_cert_file =
      reader.String("mysql-tls-cert-file", "", "client certificate (path) for MySQL TLS");
  config.tls_key_file =
      reader.String("mysql-tls-key-file", "", "private key (path) of mysql-tls-cert-file");
  return config;
}

}  // namespace clienttier
