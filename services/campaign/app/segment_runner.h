#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/campaign/app/campaign_defaults.h"
#include "services/campaign/domain/member_snapshot.h"
#include "services/campaign/domain/segment_parser.h"
#include "services/campaign/domain/segment_program.h"
#include "services/campaign/storage/member_snapshots.h"
#include "services/campaign/storage/settings_repository.h"

namespace clienttier::campaign {

// A compiled segment over one member snapshot.
struct SegmentRun {
  std::string rule;      // canonical
  std::string currency;  // the tenant's, of money in rules and reports
  std::shared_ptr<const MemberSnapshot> snapshot;
  SegmentProgram program;
};

// What the use cases share to read a rule: the tenant's currency and defaults, parsing against
// today, and compiling a rule over the tenant's member snapshot.
class SegmentRunner {
 public:
  SegmentRunner(TransactionRunner& transactions, SettingsRepository& settings,
                MemberSnapshots& members, const Clock& clock, CampaignDefaults defaults)
      : transactions_(transactions),
        settings_(settings),
        members_(members),
        clock_(clock),
        defaults_(std::move(defaults)) {}

  // The settings of a tenant that never saved its own.
  TenantSettings DefaultSettings() const;
  const std::vector<CapRule>& default_caps() const { return defaults_.caps; }
  std::string TenantCurrency(Transaction& transaction, const std::string& tenant_id);
  // The tenant's settings, or the defaults when it saved none.
  TenantSettings SettingsOf(Transaction& transaction, const std::string& tenant_id);
  // Parses and checks a rule; throws InvalidArgument naming `field`.
  SegmentRule ParseRule(const std::string& rule, const std::string& currency,
                        const std::string& field) const;
  // The sensitive tags `rule` names (segment_runner.cc); FAILED_PRECONDITION naming `field`
  // and the rule when there are some and the tenant set no consent for sensitive data in
  // segments.
  std::vector<std::string> AllowedSensitiveTags(const std::string& tenant_id,
                                                const SegmentRule& rule,
                                                const TenantSettings& settings,
                                                const std::string& field);
  // `rule` compiled over the tenant's members (the settings read on its own, or in
  // `transaction`). FAILED_PRECONDITION when it names a sensitive tag and the tenant set no
  // consent for sensitive data in segments; otherwise such a tag matches only consenting
  // members.
  SegmentRun Run(const std::string& tenant_id, const std::string& rule);
  SegmentRun Run(Transaction& transaction, const std::string& tenant_id, const std::string& rule);
  // Indexes of the matching, not erased members from `begin`, at most `limit`.
  static std::vector<size_t> Matching(const SegmentRun& run, size_t begin, size_t limit);

 private:
  SegmentContext Context(const std::string& currency) const;
  static std::vector<std::string> AllowedSensitiveTags(const MemberSnapshot& snapshot,
                                                       const SegmentRule& rule,
                                                       const TenantSettings& settings,
                                                       const std::string& field);
  SegmentRun Compile(const std::string& tenant_id, const std::string& rule,
                     const TenantSettings& settings);

  TransactionRunner& transactions_;
  SettingsRepository& settings_;
  MemberSnapshots& members_;
  const Clock& clock_;
  CampaignDefaults defaults_;
};

}  // namespace clienttier::campaign
