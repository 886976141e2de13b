#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/campaign/storage/campaign_repository.h"
#include "services/campaign/storage/member_repository.h"
#include "services/campaign/storage/outcome_repository.h"
#include "services/campaign/storage/segment_repository.h"
#include "services/campaign/storage/settings_repository.h"

// In-memory fakes of campaign's repository interfaces (storage/*_repository.h) for unit tests
// of the use cases. They keep the contracts the MySQL implementations keep (what is ignored,
// what is newer, what throws) and nothing else; rows are public so tests can seed and inspect.
namespace clienttier::campaign::testing {

class FakeSegmentRepository final : public SegmentRepository {
 public:
  void Insert(Transaction& /*transaction*/, const std::string& tenant_id,
              const v1::Segment& segment, UnixMicros /*now*/) override {
    v1::Segment stored = segment;
    stored.set_version(1);
    if (!rows.emplace(std::pair{tenant_id, segment.segment_id()}, stored).second) {
      throw AlreadyExists("segment " + segment.segment_id() + " already exists");
    }
  }
  std::optional<v1::Segment> Find(Transaction& /*transaction*/, const std::string& tenant_id,
                                  const std::string& segment_id, bool /*for_update*/) override {
    auto found = rows.find({tenant_id, segment_id});
    return found == rows.end() ? std::nullopt : std::optional<v1::Segment>(found->second);
  }
  void Update(Transaction& /*transaction*/, const std::string& tenant_id,
              const v1::Segment& segment, UnixMicros /*now*/) override {
    v1::Segment& stored = rows.at({tenant_id, segment.segment_id()});
    stored.set_name(segment.name());
    stored.set_description(segment.description());
    stored.set_rule(segment.rule());
    stored.set_version(stored.version() + 1);
  }
  void Delete(Transaction& /*transaction*/, const std::string& tenant_id,
              const std::string& segment_id) override {
    rows.erase({tenant_id, segment_id});
  }
  std::vector<v1::Segment> List(Transaction& /*transaction*/, const std::string& tenant_id,
                                const std::string& after_id, int limit) override {
    std::vector<v1::Segment> listed;
    for (const auto& [key, segment] : rows) {
      if (key.first == tenant_id && key.second > after_id &&
          static_cast<int>(listed.size()) < limit) {
        listed.push_back(segment);
      }
    }
    return listed;
  }

  std::map<std::pair<std::string, std::string>, v1::Segment> rows;  // (tenant, segment id)
};

class FakeSettingsRepository final : public SettingsRepository {
 public:
  std::optional<TenantSettings> Find(Transaction& /*transaction*/, const std::string& tenant_id,
                                     bool /*for_update*/) override {
    auto found = rows.find(tenant_id);
    return found == rows.end() ? std::nullopt : std::optional<TenantSettings>(found->second);
  }
  TenantSettings LockOrCreate(Transaction& /*transaction*/, const std::string& tenant_id,
                              const TenantSettings& defaults, UnixMicros /*now*/) override {
    ++locks;
    TenantSettings inserted = defaults;
    inserted.version = 0;
    return rows.emplace(tenant_id, inserted).first->second;
  }
  void Save(Transaction& /*transaction*/, const std::string& tenant_id,
            const TenantSettings& settings, UnixMicros /*now*/) override {
    rows[tenant_id] = settings;
  }

  std::map<std::string, TenantSettings> rows;
  int locks = 0;  // LockOrCreate calls: launches and trigger entries serialise on it
};

class FakeMemberRepository final : public MemberRepository {
 public:
  int64_t NextRevision(Transaction& /*transaction*/, const std::string& tenant_id) override {
    return ++revisions[tenant_id];
  }
  void SaveScores(Transaction& /*transaction*/, const std::string& tenant_id,
                  const std::vector<scoring::v1::Score>& scores, int64_t revision,
                  UnixMicros /*now*/) override {
    for (const scoring::v1::Score& score : scores) {
      StoredMember& row = Row(tenant_id, score.client_id());
      // As the upsert: an erased row keeps nothing, an older score does not replace a newer one.
      if (!row.erased && (!row.score || FromProtoTimestamp(score.as_of()) >=
                                            FromProtoTimestamp(row.score->as_of()))) {
        row.score = score;
      }
      row.revision = revision;
    }
  }
  void SaveProfiles(Transaction& /*transaction*/, const std::string& tenant_id,
                    const std::vector<profile::v1::Client>& clients, int64_t revision,
                    UnixMicros /*now*/) override {
    for (const profile::v1::Client& client : clients) {
      StoredMember& row = Row(tenant_id, client.client_id());
      if (!row.erased && (!row.profile || client.version() >= row.profile->version())) {
        row.profile = client;
      }
      row.revision = revision;
    }
  }
  void MarkErased(Transaction& /*transaction*/, const std::string& tenant_id,
                  const std::string& client_id, int64_t revision, UnixMicros /*now*/) override {
    StoredMember& row = Row(tenant_id, client_id);
    row.score.reset();
    row.profile.reset();
    row.erased = true;
    row.revision = revision;
  }
  // Audience, contacts and outcomes live in the other fakes: the merge is recorded for the test
  // and the duplicate erased, as MySqlMemberRepository ends.
  void MergeInto(Transaction& transaction, const std::string& tenant_id,
                 const std::string& duplicate_id, const std::string& survivor_id, int64_t revision,
                 UnixMicros now) override {
    merges.push_back({tenant_id, duplicate_id, survivor_id});
    MarkErased(transaction, tenant_id, duplicate_id, revision, now);
  }
  int64_t CurrentRevision(Transaction& /*transaction*/, const std::string& tenant_id) override {
    auto found = revisions.find(tenant_id);
    return found == revisions.end() ? 0 : found->second;
  }
  void ForEachChangedSince(Transaction& /*transaction*/, const std::string& tenant_id,
                           int64_t after_revision,
                           const std::function<void(StoredMember&&)>& visit) override {
    for (const auto& [key, row] : rows) {
      if (key.first == tenant_id && row.revision > after_revision) {
        StoredMember copy = row;
        visit(std::move(copy));
      }
    }
  }
  std::optional<StoredMember> Find(Transaction& /*transaction*/, const std::string& tenant_id,
                                   const std::string& client_id) override {
    auto found = rows.find({tenant_id, client_id});
    return found == rows.end() ? std::nullopt : std::optional<StoredMember>(found->second);
  }

  // A write outside any use case (a test's seed), at the tenant's next revision.
  void Seed(const std::string& tenant_id, const scoring::v1::Score* score,
            const profile::v1::Client* profile) {
    Transaction transaction;
    const int64_t revision = NextRevision(transaction, tenant_id);
    if (score != nullptr) {
      SaveScores(transaction, tenant_id, {*score}, revision, 0);
    }
    if (profile != nullptr) {
      SaveProfiles(transaction, tenant_id, {*profile}, revision, 0);
    }
  }

  std::map<std::pair<std::string, std::string>, StoredMember> rows;  // (tenant, client id)
  std::map<std::string, int64_t> revisions;
  std::vector<std::array<std::string, 3>> merges;  // (tenant, duplicate, survivor) in order

 private:
  StoredMember& Row(const std::string& tenant_id, const std::string& client_id) {
    StoredMember& row = rows[{tenant_id, client_id}];
    row.client_id = client_id;
    return row;
  }
};

class FakeCampaignRepository final : public CampaignRepository {
 public:
  struct Contact {
    std::string tenant_id;
    std::string client_id;
    std::string campaign_id;
    int channel = 0;
    UnixMicros at = 0;
  };

  void Insert(Transaction& /*transaction*/, const std::string& tenant_id,
              const v1::Campaign& campaign, UnixMicros /*now*/) override {
    v1::Campaign stored = campaign;
    stored.set_state(v1::CAMPAIGN_STATE_DRAFT);
    stored.set_version(1);
    if (!campaigns.emplace(std::pair{tenant_id, campaign.campaign_id()}, stored).second) {
      throw AlreadyExists("campaign " + campaign.campaign_id() + " already exists");
    }
  }
  std::optional<v1::Campaign> Find(Transaction& /*transaction*/, const std::string& tenant_id,
                                   const std::string& campaign_id, bool /*for_update*/) override {
    auto found = campaigns.find({tenant_id, campaign_id});
    return found == campaigns.end() ? std::nullopt : std::optional<v1::Campaign>(found->second);
  }
  std::vector<v1::Campaign> List(Transaction& /*transaction*/, const std::string& tenant_id,
                                 const std::string& after_id, v1::CampaignState state,
                                 int limit) override {
    std::vector<v1::Campaign> listed;
    for (const auto& [key, campaign] : campaigns) {
      if (key.first == tenant_id && key.second > after_id &&
          (state == v1::CAMPAIGN_STATE_UNSPECIFIED || campaign.state() == state) &&
          static_cast<int>(listed.size()) < limit) {
        listed.push_back(campaign);
      }
    }
    return listed;
  }
  int64_t CountOpenForSegment(Transaction& /*transaction*/, const std::string& tenant_id,
                              const std::string& segment_id) override {
    int64_t open = 0;
    for (const auto& [key, campaign] : campaigns) {
      const auto state = campaign.state();
      open += key.first == tenant_id && campaign.segment_id() == segment_id &&
                      (state == v1::CAMPAIGN_STATE_DRAFT || state == v1::CAMPAIGN_STATE_LAUNCHED ||
                       state == v1::CAMPAIGN_STATE_PAUSED)
                  ? 1
                  : 0;
    }
    return open;
  }
  void SaveState(Transaction& /*transaction*/, const std::string& tenant_id,
                 const v1::Campaign& campaign, UnixMicros /*now*/) override {
    v1::Campaign& stored = campaigns.at({tenant_id, campaign.campaign_id()});
    stored.set_state(campaign.state());
    stored.set_launched_rule(campaign.launched_rule());
    if (campaign.has_launched_at()) {
      *stored.mutable_launched_at() = campaign.launched_at();
    }
    stored.set_version(stored.version() + 1);
  }
  void AddAudienceTotals(Transaction& /*transaction*/, const std::string& tenant_id,
                         const std::string& campaign_id,
                         const v1::AudienceSummary& added) override {
    v1::AudienceSummary& totals = *campaigns.at({tenant_id, campaign_id}).mutable_audience();
    totals.set_candidates(totals.candidates() + added.candidates());
    totals.set_treatment(totals.treatment() + added.treatment());
    totals.set_holdout(totals.holdout() + added.holdout());
    totals.set_excluded_no_consent(totals.excluded_no_consent() + added.excluded_no_consent());
    totals.set_excluded_frequency_cap(totals.excluded_frequency_cap() +
                                      added.excluded_frequency_cap());
    totals.set_excluded_erased(totals.excluded_erased() + added.excluded_erased());
  }
  std::unordered_set<std::string> PlacedClients(Transaction& /*transaction*/,
                                                const std::string& tenant_id,
                                                const std::string& campaign_id) override {
    std::unordered_set<std::string> placed;
    for (const auto& [key, group] : audience) {
      if (std::get<0>(key) == tenant_id && std::get<1>(key) == campaign_id) {
        placed.insert(std::get<2>(key));
      }
    }
    return placed;
  }
  std::map<std::string, AudienceEntry> FindPlacements(
      Transaction& /*transaction*/, const std::string& tenant_id, const std::string& campaign_id,
      const std::vector<std::string>& client_ids) override {
    std::map<std::string, AudienceEntry> placements;
    for (const std::string& client_id : client_ids) {
      const auto found = audience.find({tenant_id, campaign_id, client_id});
      if (found != audience.end()) {
        placements.emplace(client_id, AudienceEntry{found->second, placed_at.at(found->first)});
      }
    }
    return placements;
  }
  void Place(Transaction& /*transaction*/, const std::string& tenant_id,
             const std::string& campaign_id, int channel, const std::vector<Placement>& placements,
             UnixMicros now) override {
    for (const Placement& placement : placements) {
      // INSERT IGNORE on both tables: one placement and one contact per client and campaign.
      audience.emplace(std::tuple{tenant_id, campaign_id, placement.client_id}, placement.group);
      placed_at.emplace(std::tuple{tenant_id, campaign_id, placement.client_id}, now);
      if (placement.group != v1::AUDIENCE_GROUP_TREATMENT) {
        continue;
      }
      const bool contacted =
          std::any_of(contacts.begin(), contacts.end(), [&](const Contact& contact) {
            return contact.tenant_id == tenant_id && contact.client_id == placement.client_id &&
                   contact.campaign_id == campaign_id;
          });
      if (!contacted) {
        contacts.push_back({tenant_id, placement.client_id, campaign_id, channel, now});
      }
    }
  }
  std::unordered_map<std::string, std::vector<UnixMicros>> ContactsSince(
      Transaction& /*transaction*/, const std::string& tenant_id, UnixMicros since) override {
    std::unordered_map<std::string, std::vector<UnixMicros>> found;
    for (const Contact& contact : contacts) {
      if (contact.tenant_id == tenant_id && contact.at >= since) {
        found[contact.client_id].push_back(contact.at);
      }
    }
    return found;
  }
  std::vector<UnixMicros> ClientContactsSince(Transaction& transaction,
                                              const std::string& tenant_id,
                                              const std::string& client_id,
                                              UnixMicros since) override {
    auto all = ContactsSince(transaction, tenant_id, since);
    return all[client_id];
  }
  std::optional<UnixMicros> LastContact(Transaction& /*transaction*/, const std::string& tenant_id,
                                        const std::string& client_id) override {
    std::optional<UnixMicros> last;
    for (const Contact& contact : contacts) {
      if (contact.tenant_id == tenant_id && contact.client_id == client_id &&
          (!last || contact.at > *last)) {
        last = contact.at;
      }
    }
    return last;
  }

  // Contacts of one campaign (tests count them).
  std::vector<Contact> ContactsOf(const std::string& campaign_id) const {
    std::vector<Contact> of;
    for (const Contact& contact : contacts) {
      if (contact.campaign_id == campaign_id) {
        of.push_back(contact);
      }
    }
    return of;
  }

  std::map<std::pair<std::string, std::string>, v1::Campaign> campaigns;  // (tenant, id)
  // (tenant, campaign, client) -> group
  std::map<std::tuple<std::string, std::string, std::string>, v1::AudienceGroup> audience;
  std::map<std::tuple<std::string, std::string, std::string>, UnixMicros> placed_at;
  std::vector<Contact> contacts;
};

class FakeOutcomeRepository final : public OutcomeRepository {
 public:
  std::set<OutcomeKey> RecordedKeys(Transaction& /*transaction*/, const std::string& tenant_id,
                                    const std::vector<OutcomeKey>& keys) override {
    std::set<OutcomeKey> recorded;
    for (const OutcomeKey& key : keys) {
      if (rows.count({tenant_id, key.first, key.second}) != 0) {
        recorded.insert(key);
      }
    }
    return recorded;
  }
  // As the unique key would: a key taken fails the whole call, and nothing of it is kept.
  void InsertNew(Transaction& /*transaction*/, const std::string& tenant_id,
                 const std::vector<OutcomeRow>& outcomes) override {
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    for (const OutcomeRow& outcome : outcomes) {
      if (rows.count({tenant_id, outcome.campaign_id, outcome.idempotency_key}) != 0 ||
          !keys.insert({tenant_id, outcome.campaign_id, outcome.idempotency_key}).second) {
        throw AlreadyExists("already exists");
      }
    }
    for (const OutcomeRow& outcome : outcomes) {
      rows.emplace(std::tuple{tenant_id, outcome.campaign_id, outcome.idempotency_key}, outcome);
    }
  }
  // Conversions per group; sizes come from `audience` (the campaign fake's), as the SQL reads
  // the audience table.
  std::pair<GroupOutcome, GroupOutcome> GroupOutcomes(Transaction& /*transaction*/,
                                                      const std::string& tenant_id,
                                                      const std::string& campaign_id) override {
    GroupOutcome treatment;
    GroupOutcome holdout;
    auto group_of = [&](int group) -> GroupOutcome& {
      return group == v1::AUDIENCE_GROUP_HOLDOUT ? holdout : treatment;
    };
    if (audience != nullptr) {
      for (const auto& [key, group] : *audience) {
        if (std::get<0>(key) == tenant_id && std::get<1>(key) == campaign_id) {
          ++group_of(group).size;
        }
      }
    }
    std::map<int, std::unordered_set<std::string>> converted;
    for (const auto& [key, outcome] : rows) {
      if (std::get<0>(key) != tenant_id || std::get<1>(key) != campaign_id) {
        continue;
      }
      if (outcome.converted) {
        converted[outcome.group].insert(outcome.client_id);
      }
      group_of(outcome.group).revenue_minor += outcome.revenue_minor;
    }
    for (const auto& [group, clients] : converted) {
      group_of(group).conversions = static_cast<int64_t>(clients.size());
    }
    return {treatment, holdout};
  }

  // (tenant, campaign, idempotency key)
  std::map<std::tuple<std::string, std::string, std::string>, OutcomeRow> rows;
  const std::map<std::tuple<std::string, std::string, std::string>, v1::AudienceGroup>* audience =
      nullptr;
};

}  // namespace clienttier::campaign::testing
