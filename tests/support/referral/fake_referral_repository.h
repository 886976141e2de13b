#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/referral/storage/referral_repository.h"
#include "tests/support/referral/fake_code_repository.h"

namespace clienttier::referral::testing {

// referrals and referral_clients in memory, with the MySQL statements' arithmetic (the day
// counter restarts on a new day, a first payment date is kept). `codes` answers has_code and
// clients_with_code as the queries' subselects over referral_codes do.
class FakeReferralRepository final : public ReferralRepository {
 public:
  struct Client {
    int64_t invitations_sent = 0;
    int64_t registered = 0;
    int64_t converted = 0;
    int64_t referred_revenue_minor = 0;
    std::optional<UnixMicros> first_paid_at;
    std::optional<int64_t> registered_day;
    int64_t registered_that_day = 0;
  };
  using Key = std::pair<std::string, std::string>;  // (tenant, client or referee)

  explicit FakeReferralRepository(const FakeCodeRepository* codes = nullptr) : codes_(codes) {}

  void LockClients(Transaction& /*transaction*/, const std::string& tenant_id,
                   std::vector<std::string> client_ids) override {
    std::sort(client_ids.begin(), client_ids.end());
    for (const std::string& client_id : client_ids) {
      Lock(tenant_id, client_id);
    }
  }
  std::optional<v1::Referral> FindByReferee(Transaction& /*transaction*/,
                                            const std::string& tenant_id,
                                            const std::string& referee_id) override {
    const auto found = referrals.find({tenant_id, referee_id});
    if (found == referrals.end()) {
      return std::nullopt;
    }
    return found->second;
  }
  std::map<std::string, v1::Referral> FindByReferees(Transaction& /*transaction*/,
                                                     const std::string& tenant_id,
                                                     const std::vector<std::string>& ids,
                                                     bool /*for_update*/) override {
    std::map<std::string, v1::Referral> found;
    for (const std::string& id : ids) {
      const auto referral = referrals.find({tenant_id, id});
      if (referral != referrals.end()) {
        found.emplace(id, referral->second);
      }
    }
    return found;
  }
  std::map<std::string, std::string> ReferrersOf(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override {
    std::map<std::string, std::string> referrers;
    if (referrers_hidden) {
      return referrers;
    }
    for (const auto& [referee, referral] : FindByReferees(transaction, tenant_id, client_ids,
                                                          /*for_update=*/false)) {
      referrers.emplace(referee, referral.referrer_client_id());
    }
    return referrers;
  }
  std::map<std::string, RegistrationCounts> LockForRegistration(
      Transaction& /*transaction*/, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, int64_t day) override {
    std::map<std::string, RegistrationCounts> counts;
    std::vector<std::string> sorted = client_ids;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& client_id : sorted) {
      const Client& client = Lock(tenant_id, client_id);
      counts[client_id] =
          RegistrationCounts{client.first_paid_at.has_value(),
                             client.registered_day == day ? client.registered_that_day : 0};
    }
    return counts;
  }
  void InsertReferrals(Transaction& /*transaction*/, const std::string& tenant_id,
                       const std::vector<v1::Referral>& inserted,
                       int64_t /*registered_day*/) override {
    for (const v1::Referral& referral : inserted) {
      if (!referrals.emplace(Key{tenant_id, referral.referee_client_id()}, referral).second) {
        throw AlreadyExists("already exists");  // the primary key (tenant, referee)
      }
    }
  }
  void SaveConversions(Transaction& /*transaction*/, const std::string& tenant_id,
                       const std::vector<v1::Referral>& saved) override {
    for (const v1::Referral& referral : saved) {
      referrals[{tenant_id, referral.referee_client_id()}] = referral;
    }
  }
  void AddRegistrations(Transaction& /*transaction*/, const std::string& tenant_id,
                        const std::map<std::string, int64_t>& registered, int64_t day) override {
    for (const auto& [client_id, count] : registered) {
      Client& client = Written(tenant_id, client_id);
      client.registered_that_day =
          client.registered_day == day ? client.registered_that_day + count : count;
      client.registered_day = day;
      client.registered += count;
    }
  }
  void AddReferrerCounts(Transaction& /*transaction*/, const std::string& tenant_id,
                         const std::map<std::string, CountsDelta>& deltas) override {
    for (const auto& [client_id, delta] : deltas) {
      Client& client = Written(tenant_id, client_id);
      client.converted += delta.converted;
      client.referred_revenue_minor += delta.referred_revenue_minor;
    }
  }
  void MarkPaid(Transaction& /*transaction*/, const std::string& tenant_id,
                const std::map<std::string, UnixMicros>& first_paid_at,
                const std::vector<std::string>& also_lock) override {
    std::map<std::string, std::optional<UnixMicros>> rows(first_paid_at.begin(),
                                                          first_paid_at.end());
    for (const std::string& client_id : also_lock) {
      rows.emplace(client_id, std::nullopt);
    }
    for (const auto& [client_id, paid_at] : rows) {
      Client& client = Lock(tenant_id, client_id);
      if (!client.first_paid_at) {
        client.first_paid_at = paid_at;
      }
    }
  }
  std::optional<ClientRow> FindClient(Transaction& transaction, const std::string& tenant_id,
                                      const std::string& client_id) override {
    std::vector<ClientRow> rows = FindClients(transaction, tenant_id, {client_id});
    if (rows.empty()) {
      return std::nullopt;
    }
    return rows.front();
  }
  std::vector<ClientRow> FindClients(Transaction& /*transaction*/, const std::string& tenant_id,
                                     const std::vector<std::string>& client_ids) override {
    std::vector<ClientRow> rows;
    for (const auto& [key, client] : clients) {
      if (key.first == tenant_id &&
          std::find(client_ids.begin(), client_ids.end(), key.second) != client_ids.end()) {
        rows.push_back(Row(key, client));
      }
    }
    return rows;
  }
  std::vector<ClientRow> ReferrersInRange(Transaction& /*transaction*/,
                                          const std::string& tenant_id, const ClientIdRange& range,
                                          int limit) override {
    std::vector<ClientRow> rows;
    for (const auto& [key, client] : clients) {  // in (tenant, client id) order
      if (key.first == tenant_id && key.second > range.after_client_id &&
          (!range.last_client_id || key.second <= *range.last_client_id) &&
          (client.invitations_sent > 0 || client.registered > 0) &&
          rows.size() < static_cast<size_t>(limit)) {
        rows.push_back(Row(key, client));
      }
    }
    return rows;
  }
  int64_t AddInvitations(Transaction& /*transaction*/, const std::string& tenant_id,
                         const std::string& client_id, int64_t count) override {
    Client& client = clients[{tenant_id, client_id}];
    client.invitations_sent += count;
    return client.invitations_sent;
  }
  TenantTotals Totals(Transaction& /*transaction*/, const std::string& tenant_id) override {
    TenantTotals totals;
    for (const auto& [key, client] : clients) {
      if (key.first != tenant_id) {
        continue;
      }
      totals.invitations_sent += client.invitations_sent;
      totals.registered += client.registered;
      totals.converted += client.converted;
      totals.referred_revenue_minor += client.referred_revenue_minor;
      totals.paying_clients += client.first_paid_at ? 1 : 0;
    }
    totals.clients_with_code = codes_ != nullptr ? codes_->ActiveCodes(tenant_id) : 0;
    return totals;
  }
  std::vector<ClientRow> TopReferrers(Transaction& /*transaction*/, const std::string& tenant_id,
                                      int limit) override {
    std::vector<ClientRow> rows;
    for (const auto& [key, client] : clients) {
      if (key.first == tenant_id && client.registered > 0) {
        rows.push_back(Row(key, client));
      }
    }
    std::sort(rows.begin(), rows.end(), [](const ClientRow& a, const ClientRow& b) {
      if (a.counts.converted != b.counts.converted) {
        return a.counts.converted > b.counts.converted;
      }
      if (a.referred_revenue_minor != b.referred_revenue_minor) {
        return a.referred_revenue_minor > b.referred_revenue_minor;
      }
      return a.client_id < b.client_id;
    });
    if (rows.size() > static_cast<size_t>(limit)) {
      rows.resize(static_cast<size_t>(limit));
    }
    return rows;
  }

  // A client's row, or the zeros of a row that does not exist.
  Client ClientOf(const std::string& tenant_id, const std::string& client_id) const {
    const auto found = clients.find({tenant_id, client_id});
    return found == clients.end() ? Client{} : found->second;
  }

  std::map<Key, Client> clients;
  std::map<Key, v1::Referral> referrals;
  // referral_clients rows as the locking statements (LockClients, LockForRegistration,
  // MarkPaid) lock them, each statement's rows in its order; and the count updates of rows
  // none of them had locked since row_locks was last cleared.
  std::vector<std::string> row_locks;
  int unlocked_writes = 0;
  // ReferrersOf answers nothing, as it would have just before the referrals registered.
  bool referrers_hidden = false;

 private:
  Client& Lock(const std::string& tenant_id, const std::string& client_id) {
    row_locks.push_back(client_id);
    return clients[{tenant_id, client_id}];
  }
  Client& Written(const std::string& tenant_id, const std::string& client_id) {
    if (std::find(row_locks.begin(), row_locks.end(), client_id) == row_locks.end()) {
      ++unlocked_writes;
    }
    return clients[{tenant_id, client_id}];
  }
  ClientRow Row(const Key& key, const Client& client) const {
    ClientRow row;
    row.client_id = key.second;
    row.counts.invitations_sent = client.invitations_sent;
    row.counts.registered = client.registered;
    row.counts.converted = client.converted;
    row.counts.has_code = codes_ != nullptr && codes_->HasActiveCode(key.first, key.second);
    row.referred_revenue_minor = client.referred_revenue_minor;
    row.has_paid = client.first_paid_at.has_value();
    return row;
  }

  const FakeCodeRepository* codes_;
};

}  // namespace clienttier::referral::testing
