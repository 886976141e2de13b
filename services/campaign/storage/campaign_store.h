#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/campaign/v1/campaign_service.pb.h"
#include "common/time/utc_time.h"
#include "services/campaign/audience_planner.h"
#include "services/campaign/domain/campaign_report.h"

namespace clienttier::campaign {

struct OutcomeRow {
  std::string campaign_id;
  std::string idempotency_key;
  std::string client_id;
  v1::AudienceGroup group = v1::AUDIENCE_GROUP_UNSPECIFIED;
  bool converted = false;
  int64_t revenue_minor = 0;
  std::string currency;
  UnixMicros occurred_at = 0;
};

// campaigns, audience, contacts and outcomes.
class CampaignStore {
 public:
  // Throws AlreadyExists for a taken campaign_id.
  static void Insert(sql::Connection& connection, const std::string& tenant_id,
                     const v1::Campaign& campaign, UnixMicros now);
  static std::optional<v1::Campaign> Find(sql::Connection& connection, const std::string& tenant_id,
                                          const std::string& campaign_id, bool for_update);
  static std::vector<v1::Campaign> List(sql::Connection& connection, const std::string& tenant_id,
                                        const std::string& after_id, v1::CampaignState state,
                                        int limit);
  // Campaigns on the segment that are not completed or cancelled.
  static int64_t CountOpenForSegment(sql::Connection& connection, const std::string& tenant_id,
                                     const std::string& segment_id);
  // State, and for a launch the rule launched and the launch time; version + 1.
  static void SaveState(sql::Connection& connection, const std::string& tenant_id,
                        const v1::Campaign& campaign, UnixMicros now);
  // Adds a launch's or a trigger entry's counts to the campaign's totals.
  static void AddAudienceTotals(sql::Connection& connection, const std::string& tenant_id,
                                const std::string& campaign_id, const v1::AudienceSummary& added);

  // Who the campaign placed already.
  static std::unordered_set<std::string> PlacedClients(sql::Connection& connection,
                                                       const std::string& tenant_id,
                                                       const std::string& campaign_id);
  static std::optional<v1::AudienceGroup> FindPlacement(sql::Connection& connection,
                                                        const std::string& tenant_id,
                                                        const std::string& campaign_id,
                                                        const std::string& client_id);
  // Places clients (ignoring ones already placed) and records a contact for each treatment
  // member on `channel` at `now`.
  static void Place(sql::Connection& connection, const std::string& tenant_id,
                    const std::string& campaign_id, int channel,
                    const std::vector<Placement>& placements, UnixMicros now);

  // Contact times since `since`, by client: the whole tenant's (a launch), or one client's.
  static std::unordered_map<std::string, std::vector<UnixMicros>> ContactsSince(
      sql::Connection& connection, const std::string& tenant_id, UnixMicros since);
  static std::vector<UnixMicros> ClientContactsSince(sql::Connection& connection,
                                                     const std::string& tenant_id,
                                                     const std::string& client_id,
                                                     UnixMicros since);
  static std::optional<UnixMicros> LastContact(sql::Connection& connection,
                                               const std::string& tenant_id,
                                               const std::string& client_id);

  // False when the idempotency key was recorded before (nothing written).
  static bool InsertOutcome(sql::Connection& connection, const std::string& tenant_id,
                            const OutcomeRow& outcome);
  // Size, converted members and revenue of the treatment and holdout groups.
  static std::pair<GroupOutcome, GroupOutcome> GroupOutcomes(sql::Connection& connection,
                                                             const std::string& tenant_id,
                                                             const std::string& campaign_id);
};

}  // namespace clienttier::campaign
