#include "common/db/migrations.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "common/errors/domain_error.h"
#include "common/hash/hash.h"
#include "common/observability/logger.h"

namespace clienttier {

namespace {

constexpr int kLockWaitSeconds = 120;

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

bool IsValidSchemaName(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::vector<std::string> SplitSqlStatements(const std::string& sql) {
  std::vector<std::string> statements;
  std::istringstream lines(sql);
  std::string line;
  std::string current;
  while (std::getline(lines, line)) {
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed.rfind("--", 0) == 0) {
      continue;
    }
    current += line + "\n";
    if (trimmed.back() == ';') {
      current = Trim(current);
      current.pop_back();
      statements.push_back(current);
      current.clear();
    }
  }
  if (!Trim(current).empty()) {
    statements.push_back(Trim(current));
  }
  return statements;
}

std::string MigrationChecksum(const std::string& sql) {
  const uint64_t hash = Fnv1a64(sql);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

void EnsureDatabase(const MySqlConfig& config) {
  if (!IsValidSchemaName(config.database)) {
    throw InvalidArgument("mysql-database", "must be 1 to 64 characters of A-Z a-z 0-9 _");
  }
  MySqlConfig server_only = config;
  server_only.database.clear();
  server_only.pool_size = 1;
  MySqlPool pool(server_only, nullptr);
  pool.WithConnection([&](sql::Connection& connection) {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    // The name was checked above: identifiers cannot be bound as parameters.
    statement->execute("CREATE DATABASE IF NOT EXISTS `" + config.database +
                       "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  });
}

void ApplyMigrations(MySqlPool& pool, const std::string& component,
                     const std::vector<Migration>& migrations) {
  pool.WithConnection([&](sql::Connection& connection) {
    std::unique_ptr<sql::Statement> statement(connection.createStatement());
    std::unique_ptr<sql::PreparedStatement> lock(
        connection.prepareStatement("SELECT GET_LOCK(CONCAT('ct_migrate_', DATABASE()), ?)"));
    lock->setInt(1, kLockWaitSeconds);
    std::unique_ptr<sql::ResultSet> locked(lock->executeQuery());
    if (!locked->next() || locked->getInt(1) != 1) {
      throw Unavailable("could not take the migration lock within " +
                        std::to_string(kLockWaitSeconds) + " s");
    }
    struct Unlock {
      sql::Statement* statement;
      ~Unlock() {
        try {
          statement->execute("DO RELEASE_LOCK(CONCAT('ct_migrate_', DATABASE()))");
        } catch (const std::exception&) {
          // the lock dies with the connection anyway
        }
      }
    } unlock{statement.get()};

    statement->execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component VARCHAR(64) NOT NULL, version INT NOT NULL, name VARCHAR(255) NOT NULL,"
        " checksum CHAR(16) NOT NULL, applied_at DATETIME(6) NOT NULL,"
        " PRIMARY KEY (component, version)) ENGINE=InnoDB");

    std::unique_ptr<sql::PreparedStatement> applied_query(connection.prepareStatement(
        "SELECT version, checksum FROM schema_migrations WHERE component = ?"));
    applied_query->setString(1, component);
    std::unique_ptr<sql::ResultSet> applied_rows(applied_query->executeQuery());
    std::map<int, std::string> applied;
    while (applied_rows->next()) {
      applied[applied_rows->getInt(1)] = applied_rows->getString(2);
    }

    std::vector<Migration> ordered = migrations;
    std::sort(ordered.begin(), ordered.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (const auto& migration : ordered) {
      const std::string checksum = MigrationChecksum(migration.sql);
      if (auto found = applied.find(migration.version); found != applied.end()) {
        if (found->second != checksum) {
          throw FailedPrecondition("migration " + component + "/" + migration.name +
                                   " changed after it was applied; add a new migration instead");
        }
        continue;
      }
      for (const auto& sql : SplitSqlStatements(migration.sql)) {
        statement->execute(sql);
      }
      std::unique_ptr<sql::PreparedStatement> record(connection.prepareStatement(
          "INSERT INTO schema_migrations (component, version, name, checksum, applied_at)"
          " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))"));
      record->setString(1, component);
      record->setInt(2, migration.version);
      record->setString(3, migration.name);
      record->setString(4, checksum);
      record->execute();
      LogInfo("migration applied", {{"component", component}, {"migration", migration.name}});
    }
  });
}

}  // namespace clienttier
