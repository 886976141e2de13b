#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/referral/v1/referral_service.pb.h"
#include "common/db/transaction.h"
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

// Client ids after `after_client_id` ("" = from the first) and at most `last_client_id`
// (none = to the last), in the ids' binary collation order.
struct ClientIdRange {
  std::string after_client_id;
  std::optional<std::string> last_client_id;
};

struct TenantTotals {
  int64_t invitations_sent = 0;
  int64_t registered = 0;
  int64_t converted = 0;
  int64_t referred_revenue_minor = 0;
  int64_t paying_clients = 0;
  int64_t clients_with_code = 0;
};

// What a registration checks about its clients: whether each has paid, and how many
// referrals each registered as a referrer on the day asked for (the velocity rule).
struct RegistrationCounts {
  bool has_paid = false;
  int64_t registered_on_day = 0;
};

// What conversions add to a referrer's running counts.
struct CountsDelta {
  int64_t converted = 0;
  int64_t referred_revenue_minor = 0;
};

// referrals (one row per referee) and referral_clients (per-client counts, the paid flag and
// the referrer's registrations-per-day counter behind the velocity rule).
class ReferralRepository {
 public:
  virtual ~ReferralRepository() = default;

  // Creates the clients' rows if missing and locks them, in client-id order so that two
  // transactions locking overlapping pairs cannot deadlock. Later plain reads in the same
  // transaction see everything committed before the locks were granted: the sessions are read
  // committed (MySqlPool), so an earlier plain read fixes no snapshot.
  virtual void LockClients(Transaction& transaction, const std::string& tenant_id,
                           std::vector<std::string> client_ids) = 0;

  virtual std::optional<v1::Referral> FindByReferee(Transaction& transaction,
                                                    const std::string& tenant_id,
                                                    const std::string& referee_id) = 0;
  // The referrals of these referees, by referee; `for_update` locks them.
  virtual std::map<std::string, v1::Referral> FindByReferees(Transaction& transaction,
                                                             const std::string& tenant_id,
                                                             const std::vector<std::string>& ids,
                                                             bool for_update) = 0;
  // Referee -> referrer for those of `client_ids` that were referred (one chain step).
  virtual std::map<std::string, std::string> ReferrersOf(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) = 0;
  // Locks the clients' rows for the rest of the transaction, creating the missing ones, and
  // reads their registration counts for `day` in the same pass. Rows are locked in client-id
  // order (the primary key), like LockClients.
  virtual std::map<std::string, RegistrationCounts> LockForRegistration(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, int64_t day) = 0;
  virtual void InsertReferrals(Transaction& transaction, const std::string& tenant_id,
                               const std::vector<v1::Referral>& referrals,
                               int64_t registered_day) = 0;
  // Writes the conversion fields and referred revenue of referrals the caller holds locked.
  virtual void SaveConversions(Transaction& transaction, const std::string& tenant_id,
                               const std::vector<v1::Referral>& referrals) = 0;
  // Adds registrations made on `day` to referrers' counts (the total and the day's).
  virtual void AddRegistrations(Transaction& transaction, const std::string& tenant_id,
                                const std::map<std::string, int64_t>& registered, int64_t day) = 0;
  // Adds conversions and referred revenue to referrers' running counts.
  virtual void AddReferrerCounts(Transaction& transaction, const std::string& tenant_id,
                                 const std::map<std::string, CountsDelta>& deltas) = 0;
  // Locks the payers' rows and those of `also_lock` in one client-id-ordered pass, creating
  // the missing ones, and records the first payments; a client that had paid keeps its first
  // date.
  virtual void MarkPaid(Transaction& transaction, const std::string& tenant_id,
                        const std::map<std::string, UnixMicros>& first_paid_at,
                        const std::vector<std::string>& also_lock) = 0;

  virtual std::optional<ClientRow> FindClient(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::string& client_id) = 0;
  virtual std::vector<ClientRow> FindClients(Transaction& transaction, const std::string& tenant_id,
                                             const std::vector<std::string>& client_ids) = 0;
  // The clients of `range` with invitations sent or referees registered, in client id order,
  // at most `limit`.
  virtual std::vector<ClientRow> ReferrersInRange(Transaction& transaction,
                                                  const std::string& tenant_id,
                                                  const ClientIdRange& range, int limit) = 0;
  // Adds to the client's invitations and returns its new total.
  virtual int64_t AddInvitations(Transaction& transaction, const std::string& tenant_id,
                                 const std::string& client_id, int64_t count) = 0;
  virtual TenantTotals Totals(Transaction& transaction, const std::string& tenant_id) = 0;
  // Referrers by converted, then referred revenue, then client id.
  virtual std::vector<ClientRow> TopReferrers(Transaction& transaction,
                                              const std::string& tenant_id, int limit) = 0;
};

}  // namespace clienttier::referral
