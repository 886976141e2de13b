#pragma once

#include <string>
#include <utility>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Who made a write and through which RPC: what a consent history entry records besides the
// change itself.
struct ConsentAuthor {
  v1::ConsentChangeSource source = v1::CONSENT_CHANGE_SOURCE_UNSPECIFIED;
  std::string key_id;
};

// What identifies one consent of a client: its channel, or for a sensitive-data consent its
// purpose (exactly one of them is set, ValidateClient checks it). Orders channels first.
std::pair<int, int> ConsentKey(const v1::Consent& consent);

// The consent changes from `before` (nullptr: a new client, nothing recorded) to `after`, one
// per channel or purpose whose state differs, in ConsentKey order, stamped with `now` and the author.
std::vector<v1::ConsentChange> ConsentChanges(const v1::Client* before, const v1::Client& after,
                                              UnixMicros now, const ConsentAuthor& author);

// The one entry an erased client's history keeps: that it was erased, when and by which key.
v1::ConsentChange ErasureEntry(UnixMicros now, const std::string& key_id);

}  // namespace clienttier::profile
