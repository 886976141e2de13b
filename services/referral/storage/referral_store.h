#pragma once

#include <cstdint>
#include <optional>
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
                                                   const std::string& referee_id,
                                                   bool for_update);
  // Who referred the client, up the chain, nearest first, at most `max_depth` steps.
  static std::vector<std::string> ReferrerChain(sql::Connection& connection,
                                                const std::string& tenant_id,
                                                const std::string& client_id, int max_depth);
  static int64_t CountRegisteredOnDay(sql::Connection& connection, const std::string& tenant_id,
                                      const std::string& referrer_id, int64_t day);
  // Inserts the referral and counts it for its referrer.
  static void Insert(sql::Connection& connection, const std::string& tenant_id,
                     const v1::Referral& referral, int64_t registered_day);
  // Marks it converted, with the purchase as its first referred revenue, and counts it for
  // its referrer.
  static void MarkConverted(sql::Connection& connection, const std::string& tenant_id,
                            const v1::Referral& converted);
  // Adds a later purchase of a referee to its referral's and its referrer's referred revenue.
  static void AddReferredRevenue(sql::Connection& connection, const std::string& tenant_id,
                                 const v1::Referral& referral, int64_t amount_minor);

  static std::optional<ClientRow> FindClient(sql::Connection& connection,
                                             const std::string& tenant_id,
                                             const std::string& client_id);
  static std::vector<ClientRow> FindClients(sql::Connection& connection,
                                            const std::string& tenant_id,
                                            const std::vector<std::string>& client_ids);
  // Records the client's first payment; a later one changes nothing.
  static void MarkPaid(sql::Connection& connection, const std::string& tenant_id,
                       const std::string& client_id, UnixMicros paid_at);
  static int64_t AddInvitations(sql::Connection& connection, const std::string& tenant_id,
                                const std::string& client_id, int64_t count);
  static TenantTotals Totals(sql::Connection& connection, const std::string& tenant_id);
  // Referrers by converted, then referred revenue, then client id.
  static std::vector<ClientRow> TopReferrers(sql::Connection& connection,
                                             const std::string& tenant_id, int limit);
};

}  // namespace clienttier::referral
