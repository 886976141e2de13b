#include "services/client-profile/domain/consent_history.h"

#include <map>

namespace clienttier::profile {

namespace {

using StateMap = std::map<std::pair<int, int>, v1::ConsentState>;

StateMap StatesOf(const v1::Client* client) {
  StateMap states;
  if (client == nullptr) {
    return states;
  }
  for (const v1::Consent& consent : client->consents()) {
    states[ConsentKey(consent)] =
        consent.granted() ? v1::CONSENT_STATE_GRANTED : v1::CONSENT_STATE_NOT_GRANTED;
  }
  return states;
}

v1::ConsentState StateIn(const StateMap& states, const std::pair<int, int>& key) {
  auto found = states.find(key);
  return found == states.end() ? v1::CONSENT_STATE_UNSPECIFIED : found->second;
}

}  // namespace

std::pair<int, int> ConsentKey(const v1::Consent& consent) {
  // (purpose, channel): the channels (purpose 0) first, then the purposes.
  return {static_cast<int>(consent.purpose()), static_cast<int>(consent.channel())};
}

std::vector<v1::ConsentChange> ConsentChanges(const v1::Client* before, const v1::Client& after,
                                              UnixMicros now, const ConsentAuthor& author) {
  const StateMap old_states = StatesOf(before);
  const StateMap new_states = StatesOf(&after);
  std::map<std::pair<int, int>, bool> keys;
  for (const auto& [key, state] : old_states) {
    keys[key] = true;
  }
  for (const auto& [key, state] : new_states) {
    keys[key] = true;
  }
  std::vector<v1::ConsentChange> changes;
  for (const auto& [key, unused] : keys) {
    const v1::ConsentState old_state = StateIn(old_states, key);
    const v1::ConsentState new_state = StateIn(new_states, key);
    if (old_state == new_state) {
      continue;
    }
    v1::ConsentChange& change = changes.emplace_back();
    change.set_purpose(static_cast<common::v1::SensitiveDataPurpose>(key.first));
    change.set_channel(static_cast<common::v1::ContactChannel>(key.second));
    change.set_old_state(old_state);
    change.set_new_state(new_state);
    *change.mutable_changed_at() = ToProtoTimestamp(now);
    change.set_source(author.source);
    change.set_key_id(author.key_id);
  }
  return changes;
}

v1::ConsentChange ErasureEntry(UnixMicros now, const std::string& key_id) {
  v1::ConsentChange entry;
  *entry.mutable_changed_at() = ToProtoTimestamp(now);
  entry.set_source(v1::CONSENT_CHANGE_SOURCE_ERASE_CLIENT);
  entry.set_key_id(key_id);
  return entry;
}

}  // namespace clienttier::profile
