#include "services/scoring/storage/mysql/mysql_version_repository.h"

#include "common/db/sql_helpers.h"
#include "common/db/transaction.h"
#include "common/errors/domain_error.h"
#include "services/scoring/domain/scoring_config.h"
#include "services/scoring/scoring_mapping.h"

namespace clienttier::scoring {

namespace {

// Latest payload of `table` for the tenant, with its version; nullopt when none.
std::optional<std::pair<int64_t, std::string>> Latest(sql::Connection& connection,
                                                      const std::string& table,
                                                      const std::string& tenant_id) {
  auto select = Prepare(connection, "SELECT version, payload FROM " + table +
                                        " WHERE tenant_id = ? ORDER BY version DESC LIMIT 1");
  select->setString(1, tenant_id);
  auto row = Query(*select);
  if (!row->next()) {
    return std::nullopt;
  }
  return std::make_pair(static_cast<int64_t>(row->getInt64("version")),
                        std::string(row->getString("payload")));
}

// Inserts version `version`; a concurrent writer of the same version gets AlreadyExists.
void Insert(sql::Connection& connection, const std::string& table, const std::string& tenant_id,
            int64_t version, const std::string& payload, UnixMicros now,
            const std::string* author = nullptr) {
  const std::string columns = author != nullptr
                                  ? "(tenant_id, version, payload, created_at, author)"
                                  : "(tenant_id, version, payload, created_at)";
  auto insert = Prepare(connection, "INSERT INTO " + table + " " + columns + " VALUES (?, ?, ?, ?" +
                                        (author != nullptr ? ", ?)" : ")"));
  insert->setString(1, tenant_id);
  insert->setInt64(2, version);
  insert->setString(3, payload);
  insert->setString(4, FormatSqlDatetime(now));
  if (author != nullptr) {
    insert->setString(5, *author);
  }
  insert->executeUpdate();
}

int64_t NextVersion(sql::Connection& connection, const std::string& table,
                    const std::string& tenant_id) {
  auto latest = Latest(connection, table, tenant_id);
  return latest ? latest->first + 1 : 1;
}

template <typename Proto>
Proto Parse(const std::string& payload, const char* what) {
  Proto proto;
  if (!proto.ParseFromString(payload)) {
    throw Internal(std::string("stored ") + what + " does not parse");
  }
  return proto;
}

}  // namespace

v1::ScoringConfig MySqlVersionRepository::LatestConfig(Transaction& transaction,
                                                       const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto latest = Latest(connection, "scoring_configs", tenant_id);
  if (!latest) {
    return ConfigToProto(DefaultScoringConfig(), "");
  }
  return Parse<v1::ScoringConfig>(latest->second, "scoring config");
}

v1::ScoringConfig MySqlVersionRepository::PutConfig(Transaction& transaction,
                                                    const std::string& tenant_id,
                                                    v1::ScoringConfig config,
                                                    int64_t expected_version,
                                                    const std::string& author, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto latest = Latest(connection, "scoring_configs", tenant_id);
  const int64_t current = latest ? latest->first : 0;
  if (current != expected_version) {
    throw DomainError(ErrorKind::kFailedPrecondition,
                      "expected_version: the active config is version " + std::to_string(current) +
                          ", not " + std::to_string(expected_version));
  }
  config.set_version(current + 1);
  config.set_author(author);
  *config.mutable_created_at() = ToProtoTimestamp(now);
  try {
    Insert(connection, "scoring_configs", tenant_id, current + 1, config.SerializeAsString(), now,
           &author);
  } catch (const DomainError& error) {
    if (error.kind() == ErrorKind::kAlreadyExists) {
      throw DomainError(ErrorKind::kFailedPrecondition,
                        "expected_version: another config version was stored meanwhile");
    }
    throw;
  }
  return config;
}

std::optional<v1::ClvModel> MySqlVersionRepository::LatestModel(Transaction& transaction,
                                                                const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto latest = Latest(connection, "clv_models", tenant_id);
  if (!latest) {
    return std::nullopt;
  }
  return Parse<v1::ClvModel>(latest->second, "CLV model");
}

v1::ClvModel MySqlVersionRepository::PutModel(Transaction& transaction,
                                              const std::string& tenant_id, v1::ClvModel model,
                                              UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  model.set_version(NextVersion(connection, "clv_models", tenant_id));
  *model.mutable_fitted_at() = ToProtoTimestamp(now);
  Insert(connection, "clv_models", tenant_id, model.version(), model.SerializeAsString(), now);
  return model;
}

std::optional<v1::PopulationStats> MySqlVersionRepository::LatestPopulation(
    Transaction& transaction, const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto latest = Latest(connection, "population_stats", tenant_id);
  if (!latest) {
    return std::nullopt;
  }
  return Parse<v1::PopulationStats>(latest->second, "population stats");
}

v1::PopulationStats MySqlVersionRepository::PutPopulation(Transaction& transaction,
                                                          const std::string& tenant_id,
                                                          v1::PopulationStats stats,
                                                          UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  stats.set_version(NextVersion(connection, "population_stats", tenant_id));
  Insert(connection, "population_stats", tenant_id, stats.version(), stats.SerializeAsString(),
         now);
  return stats;
}

}  // namespace clienttier::scoring
