#include "services/client-profile/domain/consent_history.h"

#include <map>

namespace clienttier::profile {

namespace {

std::map<int, v1::ConsentState> StatesOf(const v1::Client* client) {
  std::map<int, v1::ConsentState> states;
  if (client == nullptr) {
    return states;
  }
  for (const v1::Consent& consent : client->consents()) {
    states[consent.channel()] =
        consent.granted() ? v1::CONSENT_STATE_GRANTED : v1::CONSENT_STATE_NOT_GRANTED;
  }
  return states;
}

v1::ConsentState StateIn(const std::map<int, v1::ConsentState>& states, int channel) {
  auto found = states.find(channel);
  return found == states.end() ? v1::CONSENT_STATE_UNSPECIFIED : found->second;
}

}  // namespace

std::vector<v1::ConsentChange> ConsentChanges(const v1::Client* before, const v1::Client& after,
                                              UnixMicros now, const ConsentAuthor& author) {
  const std::map<int, v1::ConsentState> old_states = StatesOf(before);
  const std::map<int, v1::ConsentState> new_states = StatesOf(&after);
  std::map<int, bool> channels;
  for (const auto& [channel, state] : old_states) {
    channels[channel] = true;
  }
  for (const auto& [channel, state] : new_states) {
    channels[channel] = true;
  }
  std::vector<v1::ConsentChange> changes;
  for (const auto& [channel, unused] : channels) {
    const v1::ConsentState old_state = StateIn(old_states, channel);
    const v1::ConsentState new_state = StateIn(new_states, channel);
    if (old_state == new_state) {
      continue;
    }
    v1::ConsentChange& change = changes.emplace_back();
    change.set_channel(static_cast<common::v1::ContactChannel>(channel));
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
