#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/time/utc_time.h"
#include "services/referral/domain/referral_metrics.h"

namespace clienttier::referral {

// A client's row in referral_clients: its referrer counts and whether it has paid.
struct ClientRow {
  std::string client_id;
  ReferrerCounts counts;
  int64_t referred_revenue_minor = 0;
  bool has_paid = false;
};

struct TenantTotals {
  int64_t invitations_sent = 0;
  int64_t registered = 0;
  int64_t converted = 0;
  int64_t referred_revenue_minor = 0;
  int64_t paying_clients = 0;
  int64_t clients_with_code = 0;
};

// referrals (one row per referee) and referral_clients (per-client counts).
class ReferralStore {
 public:
  // Creates the clients' rows if missing and locks them, in client-id order so that two
  // transactions locking overlapping pairs cannot deadlock. Later plain reads in the same
  // transaction see everything committed before the locks were granted, as long as no plain
  // read ran before this call.
  static void LockClients(sql::Connection& connection, const std::string& tenant_id,
                          std::vector<std::string> client_ids);

  static std::optional<v1::Referral> FindByReferee(sql::Connection& connection,
                                                   const std::string& tenant_id,
                                                   const std::string& referee_id);
  // The referrals of these referees, by referee; `for_update` locks them.
  static std::map<std::string, v1::Referral> FindByReferees(sql::Connection& connection,
                                                            const std::string& tenant_id,
                                                            const std::vector<std::string>& ids,
                                                            bool for_update);
  // Referee -> referrer for those of `client_ids` that were referred (one chain step).
  static std::map<std::string, std::string> ReferrersOf(sql::Connection& connection,
                                                        const std::string& tenant_id,
                                                        const std::vector<std::string>& client_ids);
  // What a registration checks about its clients: whether each has paid, and how many
  // referrals each registered as a referrer on `day` (the velocity rule).
  struct RegistrationCounts {
    bool has_paid = false;
    int64_t registered_on_day = 0;
  };
  // Locks the clients' rows for the rest of the transaction, creating the missing ones, and
  // reads their registration counts in the same pass. A locking read of the rows that exist
  // costs less than an upsert of every row followed by a second read. Rows are locked in
  // client-id order (the primary key), like LockClients.
  static std::map<std::string, RegistrationCounts> LockForRegistration(
      sql::Connection& connection, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, int64_t day);
  static void InsertReferrals(sql::Connection& connection, const std::string& tenant_id,
                              const std::vector<v1::Referral>& referrals, int64_t registered_day);
  // Writes the conversion fields and referred revenue of referrals the caller holds locked.
  static void SaveConversions(sql::Connection& connection, const std::string& tenant_id,
                              const std::vector<v1::Referral>& referrals);
  struct CountsDelta {
    int64_t converted = 0;
    int64_t referred_revenue_minor = 0;
  };
  // Adds registrations made on `day` to referrers' counts (the total and the day's).
  static void AddRegistrations(sql::Connection& connection, const std::string& tenant_id,
                               const std::map<std::string, int64_t>& registered, int64_t day);
  // Adds conversions and referred revenue to referrers' running counts.
  static void AddReferrerCounts(sql::Connection& connection, const std::string& tenant_id,
                                const std::map<std::string, CountsDelta>& deltas);
  // Records first payments; a client that had paid keeps its first date.
  static void MarkPaid(sql::Connection& connection, const std::string& tenant_id,
                       const std::map<std::string, UnixMicros>& first_paid_at);

  static std::optional<ClientRow> FindClient(sql::Connection& connection,
                                             const std::string& tenant_id,
                                             const std::string& client_id);
  static std::vector<ClientRow> FindClients(sql::Connection& connection,
                                            const std::string& tenant_id,
                                            const std::vector<std::string>& client_ids);
  static int64_t AddInvitations(sql::Connection& connection, const std::string& tenant_id,
                                const std::string& client_id, int64_t count);
  static TenantTotals Totals(sql::Connection& connection, const std::string& tenant_id);
  // Referrers by converted, then referred revenue, then client id.
  static std::vector<ClientRow> TopReferrers(sql::Connection& connection,
                                             const std::string& tenant_id, int limit);
};

}  // namespace clienttier::referral
