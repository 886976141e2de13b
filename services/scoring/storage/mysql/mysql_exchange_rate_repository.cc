#include "services/scoring/storage/mysql/mysql_exchange_rate_repository.h"

#include "common/db/sql_helpers.h"
#include "common/db/transaction.h"

namespace clienttier::scoring {

namespace v1 = ::clienttier::scoring::v1;

v1::ExchangeRate MySqlExchangeRateRepository::Put(Transaction& transaction,
                                                  const std::string& tenant_id,
                                                  v1::ExchangeRate rate, const std::string& author,
                                                  UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto upsert = Prepare(
      connection,
      "INSERT INTO exchange_rates (tenant_id, reporting_currency, currency, effective_from_day, "
      "reporting_minor_per_minor_micros, author, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE reporting_minor_per_minor_micros = "
      "VALUES(reporting_minor_per_minor_micros), author = VALUES(author), "
      "updated_at = VALUES(updated_at)");
  upsert->setString(1, tenant_id);
  upsert->setString(2, rate.reporting_currency());
  upsert->setString(3, rate.currency());
  upsert->setInt64(4, FromProtoTimestamp(rate.effective_from()) / kMicrosPerDay);
  upsert->setInt64(5, rate.reporting_minor_per_minor_micros());
  upsert->setString(6, author);
  upsert->setString(7, FormatSqlDatetime(now));
  upsert->executeUpdate();
  rate.set_author(author);
  *rate.mutable_updated_at() = ToProtoTimestamp(now);
  return rate;
}

std::vector<v1::ExchangeRate> MySqlExchangeRateRepository::List(
    Transaction& transaction, const std::string& tenant_id, const std::string& reporting_currency,
    const std::string& currency) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(
      connection,
      "SELECT currency, effective_from_day, reporting_minor_per_minor_micros, author, updated_at "
      "FROM exchange_rates WHERE tenant_id = ? AND reporting_currency = ? "
      "AND (? = '' OR currency = ?) ORDER BY currency, effective_from_day");
  select->setString(1, tenant_id);
  select->setString(2, reporting_currency);
  select->setString(3, currency);
  select->setString(4, currency);
  auto row = Query(*select);
  std::vector<v1::ExchangeRate> rates;
  while (row->next()) {
    v1::ExchangeRate& rate = rates.emplace_back();
    rate.set_currency(row->getString("currency"));
    rate.set_reporting_currency(reporting_currency);
    *rate.mutable_effective_from() = ToProtoTimestamp(
        static_cast<UnixMicros>(row->getInt64("effective_from_day")) * kMicrosPerDay);
    rate.set_reporting_minor_per_minor_micros(row->getInt64("reporting_minor_per_minor_micros"));
    rate.set_author(row->getString("author"));
    *rate.mutable_updated_at() = ToProtoTimestamp(ParseSqlDatetime(row->getString("updated_at")));
  }
  return rates;
}

}  // namespace clienttier::scoring
