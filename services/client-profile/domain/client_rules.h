#pragma once

#include <string>

#include <google/protobuf/field_mask.pb.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Pure rules for clients: validation (throws InvalidArgument naming the field and rule) and the
// changes create, update and erase make. No I/O; "now" is passed in.

// Checks every input field of a client; `field` is its path in the request ("client").
// acquisition.acquired_at, when set, is from 1900-01-01 to a day after `now`.
void ValidateClient(const v1::Client& client, const std::string& field, UnixMicros now);

// The client as it is first stored: output-only fields set (version 1, timestamps, consent
// times), tags de-duplicated and sorted.
v1::Client NewClient(const v1::Client& input, UnixMicros now);

// Checks an UpdateClientRequest: client id, expected_version >= 1, a non-empty mask of known
// paths, and the fields the mask names.
void ValidateUpdate(const v1::UpdateClientRequest& request, UnixMicros now);

// `current` with the masked fields of `patch` applied, version + 1 and updated_at = now.
// Consents upsert per channel and keep their timestamp unless `granted` changed.
v1::Client ApplyUpdate(const v1::Client& current, const v1::Client& patch,
                       const google::protobuf::FieldMask& mask, UnixMicros now);

// The tombstone left after erasure: only ids, acquisition (not personal), version and times.
v1::Client ErasedClient(const v1::Client& current, UnixMicros now);

}  // namespace clienttier::profile
