#include "services/referral/storage/mysql/mysql_code_repository.h"

#include <cppconn/exception.h>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"

namespace clienttier::referral {

namespace {

constexpr int kDuplicateKey = 1062;
constexpr char kColumns[] = "code, tenant_id, client_id, active, issued_at, revoked_at";

StoredCode ReadCode(sql::ResultSet& row) {
  StoredCode stored;
  stored.tenant_id = row.getString("tenant_id");
  v1::ReferralCode& code = stored.code;
  code.set_code(row.getString("code"));
  code.set_client_id(row.getString("client_id"));
  code.set_status(row.isNull("active") ? v1::CODE_STATUS_REVOKED : v1::CODE_STATUS_ACTIVE);
  *code.mutable_issued_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString("issued_at")));
  if (!row.isNull("revoked_at")) {
    *code.mutable_revoked_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString("revoked_at")));
  }
  return stored;
}

}  // namespace

std::optional<StoredCode> MySqlCodeRepository::Find(Transaction& transaction,
                                                    const std::string& code, bool lock_shared) {
  auto found = FindMany(transaction, {code}, lock_shared);
  if (found.empty()) {
    return std::nullopt;
  }
  return std::move(found.begin()->second);
}

std::map<std::string, StoredCode> MySqlCodeRepository::FindMany(
    Transaction& transaction, const std::vector<std::string>& codes, bool lock_shared) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, StoredCode> found;
  if (codes.empty()) {
    return found;
  }
  SqlText select(connection);
  select.Sql(std::string("SELECT ") + kColumns + " FROM referral_codes WHERE code IN (")
      .StrList(codes)
      .Sql(lock_shared ? ") LOCK IN SHARE MODE" : ")");
  auto rows = select.Query();
  while (rows->next()) {
    StoredCode stored = ReadCode(*rows);
    std::string code = stored.code.code();
    found.emplace(std::move(code), std::move(stored));
  }
  return found;
}

std::optional<v1::ReferralCode> MySqlCodeRepository::FindActive(Transaction& transaction,
                                                                const std::string& tenant_id,
                                                                const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT ") + kColumns +
                                        " FROM referral_codes WHERE tenant_id = ? AND "
                                        "client_id = ? AND active = 1");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  return ReadCode(*rows).code;
}

bool MySqlCodeRepository::Insert(Transaction& transaction, const std::string& tenant_id,
                                 const v1::ReferralCode& code) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto insert =
      Prepare(connection,
              "INSERT INTO referral_codes (code, tenant_id, client_id, active, issued_at) "
              "VALUES (?, ?, ?, 1, ?)");
  insert->setString(1, code.code());
  insert->setString(2, tenant_id);
  insert->setString(3, code.client_id());
  insert->setString(4, FormatSqlDatetime(FromProtoTimestamp(code.issued_at())));
  try {
    insert->executeUpdate();
  } catch (const sql::SQLException& error) {
    // Only this statement is undone; the caller's transaction goes on.
    if (error.getErrorCode() == kDuplicateKey) {
      return false;
    }
    throw;
  }
  return true;
}

bool MySqlCodeRepository::Revoke(Transaction& transaction, const std::string& tenant_id,
                                 const std::string& code, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto update = Prepare(connection,
                        "UPDATE referral_codes SET active = NULL, revoked_at = ? "
                        "WHERE code = ? AND tenant_id = ? AND active = 1");
  update->setString(1, FormatSqlDatetime(now));
  update->setString(2, code);
  update->setString(3, tenant_id);
  return update->executeUpdate() == 1;
}

}  // namespace clienttier::referral
