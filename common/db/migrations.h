#pragma once

#include <string>
#include <vector>

#include "common/db/mysql_pool.h"

namespace clienttier {

struct Migration {
  int version;       // from the NNN_ prefix of the file name
  std::string name;  // the file name without .sql
  std::string sql;   // statements separated by ';' at the end of a line
};

// Applies the migrations of `component` ("profile", "outbox", ...) that are not yet recorded
// in schema_migrations, in version order. Safe to run twice (applied versions are skipped)
// and from several replicas at once (a MySQL named lock serialises them). An applied
// migration whose text changed since is refused: fix forward with a new file instead.
// MySQL commits DDL implicitly, so each file should be one change that can be re-run after a
// crash (CREATE TABLE IF NOT EXISTS, ...).
void ApplyMigrations(MySqlPool& pool, const std::string& component,
                     const std::vector<Migration>& migrations);

// Creates `database` if missing, connecting without a default schema.
void EnsureDatabase(const MySqlConfig& config);

// Splits a migration into statements: on ';' at the end of a line, skipping '--' comments.
std::vector<std::string> SplitSqlStatements(const std::string& sql);

// A stable 64-bit FNV-1a checksum of a migration's text, as 16 hex digits.
std::string MigrationChecksum(const std::string& sql);

}  // namespace clienttier
