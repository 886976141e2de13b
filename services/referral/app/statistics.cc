#include "services/referral/app/statistics.h"

#include <map>

#include "services/referral/app/propagation_mapping.h"
#include "services/referral/domain/referral_metrics.h"

namespace clienttier::referral {

ReferralStatistics::ReferralStatistics(TransactionRunner& transactions,
                                       ReferralRepository& referrals, RewardSettings& settings)
    : transactions_(transactions), referrals_(referrals), settings_(settings) {}

v1::ReferralStats ReferralStatistics::Stats(const std::string& tenant_id,
                                            const std::string& client_id) {
  const std::string currency = settings_.Rules(tenant_id).currency;
  v1::ReferralStats response;
  transactions_.Read([&](Transaction& transaction) {
    response.set_client_id(client_id);
    if (client_id.empty()) {
      const TenantTotals totals = referrals_.Totals(transaction, tenant_id);
      response.set_invitations_sent(totals.invitations_sent);
      response.set_registered(totals.registered);
      response.set_converted(totals.converted);
      *response.mutable_referred_revenue() = Money(totals.referred_revenue_minor, currency);
      response.set_k_factor(TenantKFactor(totals.converted, totals.paying_clients));
      response.set_clients_with_code(totals.clients_with_code);
      response.set_paying_clients(totals.paying_clients);
    } else {
      const std::optional<ClientRow> row = referrals_.FindClient(transaction, tenant_id, client_id);
      const ClientRow client = row.value_or(ClientRow{});
      response.set_invitations_sent(client.counts.invitations_sent);
      response.set_registered(client.counts.registered);
      response.set_converted(client.counts.converted);
      *response.mutable_referred_revenue() = Money(client.referred_revenue_minor, currency);
      response.set_k_factor(static_cast<double>(client.counts.converted));
    }
    response.set_conversion_rate(ConversionRate(response.registered(), response.converted()));
  });
  return response;
}

std::vector<v1::Propagation> ReferralStatistics::Propagation(
    const std::string& tenant_id, const std::vector<std::string>& client_ids) {
  const std::string currency = settings_.Rules(tenant_id).currency;
  std::map<std::string, ClientRow> rows;
  transactions_.Read([&](Transaction& transaction) {
    for (ClientRow& row : referrals_.FindClients(transaction, tenant_id, client_ids)) {
      std::string id = row.client_id;
      rows.emplace(std::move(id), std::move(row));
    }
  });
  std::vector<v1::Propagation> propagation;
  propagation.reserve(client_ids.size());
  for (const std::string& id : client_ids) {
    const auto row = rows.find(id);
    propagation.push_back(ToPropagation(id, row == rows.end() ? nullptr : &row->second, currency));
  }
  return propagation;
}

std::vector<v1::Propagation> ReferralStatistics::PropagationInRange(const std::string& tenant_id,
                                                                    const ClientIdRange& range,
                                                                    int limit) {
  const std::string currency = settings_.Rules(tenant_id).currency;
  std::vector<ClientRow> rows;
  transactions_.Read([&](Transaction& transaction) {
    rows = referrals_.ReferrersInRange(transaction, tenant_id, range, limit);
  });
  std::vector<v1::Propagation> propagation;
  propagation.reserve(rows.size());
  for (const ClientRow& row : rows) {
    propagation.push_back(ToPropagation(row.client_id, &row, currency));
  }
  return propagation;
}

v1::LeaderboardResponse ReferralStatistics::Leaderboard(const std::string& tenant_id, int limit) {
  const std::string currency = settings_.Rules(tenant_id).currency;
  v1::LeaderboardResponse response;
  transactions_.Read([&](Transaction& transaction) {
    int rank = 0;
    for (const ClientRow& row : referrals_.TopReferrers(transaction, tenant_id, limit)) {
      v1::LeaderboardEntry* entry = response.add_entries();
      entry->set_rank(++rank);
      entry->set_client_id(row.client_id);
      entry->set_converted(row.counts.converted);
      entry->set_registered(row.counts.registered);
      *entry->mutable_referred_revenue() = Money(row.referred_revenue_minor, currency);
    }
  });
  return response;
}

}  // namespace clienttier::referral
