#include "services/client-profile/domain/client_merge.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/consent_history.h"

namespace clienttier::profile {

namespace {

constexpr size_t kMaxClientIdLength = 64;
constexpr int kMaxTags = 64;

void FillString(const std::string& from, std::string* into) {
  if (into->empty()) {
    *into = from;
  }
}

v1::Demographics MergeDemographics(const v1::Demographics& survivor,
                                   const v1::Demographics& duplicate) {
  v1::Demographics merged = survivor;
  FillString(duplicate.region(), merged.mutable_region());
  FillString(duplicate.occupation(), merged.mutable_occupation());
  // UNSPECIFIED (0) is "unknown": the duplicate may know it.
  if (merged.city_tier() == v1::CITY_TIER_UNSPECIFIED) {
    merged.set_city_tier(duplicate.city_tier());
  }
  if (merged.age_band() == v1::AGE_BAND_UNSPECIFIED) {
    merged.set_age_band(duplicate.age_band());
  }
  if (merged.gender() == v1::GENDER_UNSPECIFIED) {
    merged.set_gender(duplicate.gender());
  }
  if (merged.income_band() == v1::INCOME_BAND_UNSPECIFIED) {
    merged.set_income_band(duplicate.income_band());
  }
  return merged;
}

// Most restrictive wins where both records decided; a decision on one record only is kept.
void MergeConsents(const v1::Client& duplicate, UnixMicros now, v1::Client* merged) {
  std::map<std::pair<int, int>, v1::Consent*> by_key;
  for (v1::Consent& consent : *merged->mutable_consents()) {
    by_key[ConsentKey(consent)] = &consent;
  }
  std::vector<v1::Consent> added;
  for (const v1::Consent& theirs : duplicate.consents()) {
    auto found = by_key.find(ConsentKey(theirs));
    if (found == by_key.end()) {
      added.push_back(theirs);
    } else if (found->second->granted() && !theirs.granted()) {
      found->second->set_granted(false);
      *found->second->mutable_updated_at() = ToProtoTimestamp(now);
    }
  }
  for (v1::Consent& consent : added) {
    *merged->add_consents() = std::move(consent);
  }
  std::sort(
      merged->mutable_consents()->begin(), merged->mutable_consents()->end(),
      [](const v1::Consent& a, const v1::Consent& b) { return ConsentKey(a) < ConsentKey(b); });
}

void MergeTags(const v1::Client& duplicate, v1::Client* merged) {
  std::set<std::pair<int, std::string>> seen;
  for (const v1::Tag& tag : merged->tags()) {
    seen.emplace(tag.kind(), tag.value());
  }
  for (const v1::Tag& tag : duplicate.tags()) {
    if (merged->tags_size() >= kMaxTags) {
      break;  // the survivor's own tags first: a full survivor keeps exactly its own
    }
    if (seen.emplace(tag.kind(), tag.value()).second) {
      *merged->add_tags() = tag;
    }
  }
  std::sort(merged->mutable_tags()->begin(), merged->mutable_tags()->end(),
            [](const v1::Tag& a, const v1::Tag& b) {
              return a.kind() != b.kind() ? a.kind() < b.kind() : a.value() < b.value();
            });
}

}  // namespace

void ValidateMerge(const v1::MergeClientsRequest& request) {
  validation::CheckId("survivor_client_id", request.survivor_client_id(), kMaxClientIdLength);
  validation::CheckId("duplicate_client_id", request.duplicate_client_id(), kMaxClientIdLength);
  if (request.survivor_client_id() == request.duplicate_client_id()) {
    throw InvalidArgument("duplicate_client_id", "must differ from survivor_client_id");
  }
}

MergeStep CheckMerge(const v1::Client& survivor, const v1::Client& duplicate) {
  if (duplicate.merged_into() == survivor.client_id()) {
    return MergeStep::kAlreadyMerged;
  }
  if (!survivor.merged_into().empty()) {
    throw FailedPrecondition("survivor_client_id: client '" + survivor.client_id() +
                             "' was merged into '" + survivor.merged_into() +
                             "'; merge into that client instead");
  }
  if (survivor.erased()) {
    throw FailedPrecondition("survivor_client_id: client '" + survivor.client_id() +
                             "' was erased");
  }
  if (!duplicate.merged_into().empty()) {
    throw FailedPrecondition("duplicate_client_id: client '" + duplicate.client_id() +
                             "' was already merged into '" + duplicate.merged_into() + "'");
  }
  if (duplicate.erased()) {
    throw FailedPrecondition("duplicate_client_id: client '" + duplicate.client_id() +
                             "' was erased");
  }
  return MergeStep::kMerge;
}

MergedClients MergeClientRecords(const v1::Client& survivor, const v1::Client& duplicate,
                                 UnixMicros now) {
  MergedClients result;
  v1::Client& merged = result.survivor;
  merged = survivor;
  FillString(duplicate.display_name(), merged.mutable_display_name());
  FillString(duplicate.email(), merged.mutable_email());
  FillString(duplicate.phone(), merged.mutable_phone());
  *merged.mutable_demographics() =
      MergeDemographics(survivor.demographics(), duplicate.demographics());
  if (survivor.acquisition().channel().empty() && !survivor.acquisition().has_cost()) {
    *merged.mutable_acquisition() = duplicate.acquisition();
  }
  MergeConsents(duplicate, now, &merged);
  MergeTags(duplicate, &merged);
  merged.set_version(survivor.version() + 1);
  *merged.mutable_updated_at() = ToProtoTimestamp(now);

  result.duplicate = ErasedClient(duplicate, now);
  result.duplicate.set_merged_into(survivor.client_id());
  return result;
}

v1::ConsentChange MergedAwayEntry(UnixMicros now, const std::string& key_id) {
  v1::ConsentChange entry;
  *entry.mutable_changed_at() = ToProtoTimestamp(now);
  entry.set_source(v1::CONSENT_CHANGE_SOURCE_MERGE_CLIENTS);
  entry.set_key_id(key_id);
  return entry;
}

}  // namespace clienttier::profile
