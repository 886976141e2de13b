#include "common/db/transaction.h"

#include "common/db/mysql_pool.h"
#include "common/errors/domain_error.h"

namespace clienttier {

sql::Connection& ConnectionOf(Transaction& transaction) {
  auto* mysql = dynamic_cast<MySqlTransaction*>(&transaction);
  if (mysql == nullptr) {
    throw Internal("a MySQL repository was given a transaction that is not a MySqlTransaction");
  }
  return mysql->connection();
}

void MySqlTransactionRunner::InTransaction(const std::function<void(Transaction&)>& work) {
  pool_.InTransaction([&](sql::Connection& connection) {
    MySqlTransaction transaction(connection);
    work(transaction);
  });
}

void MySqlTransactionRunner::Read(const std::function<void(Transaction&)>& work) {
  pool_.WithConnection([&](sql::Connection& connection) {
    MySqlTransaction transaction(connection);
    work(transaction);
  });
}

}  // namespace clienttier
