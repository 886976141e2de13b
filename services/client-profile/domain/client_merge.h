#pragma once

#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Pure rules of MergeClients (issue 18 part 5): which merges are allowed and what the two
// records become. No I/O; "now" is passed in.

// Whether a merge has work to do or was done before (a retry).
enum class MergeStep { kMerge, kAlreadyMerged };

// Checks `request`'s ids: both valid, and different (InvalidArgument naming the field).
void ValidateMerge(const v1::MergeClientsRequest& request);

// Decides on the two stored records (each with `merged_into` filled for a tombstone).
// kAlreadyMerged when the duplicate is already merged into this survivor, whatever the
// survivor became since (a retry returns the pair as it is). FailedPrecondition when the
// survivor is a tombstone (erased, or merged: the message names where it went), or the
// duplicate is erased or merged into another client.
MergeStep CheckMerge(const v1::Client& survivor, const v1::Client& duplicate);

// What a merge writes.
struct MergedClients {
  // The survivor with the duplicate's consents, tags and missing fields, version + 1.
  v1::Client survivor;
  // The duplicate's tombstone: ErasedClient, `merged_into` = the survivor.
  v1::Client duplicate;
};

// Consents: a channel or purpose recorded on both records is granted only when both grant it
// (an explicit refusal on either record wins); one recorded on one record is kept as it is (the
// other record holds no decision to weigh against it). Tags: the union, the survivor's first,
// at most 64. Name, email, phone, each demographic field and the acquisition: the survivor's,
// or the duplicate's where the survivor's is empty.
MergedClients MergeClientRecords(const v1::Client& survivor, const v1::Client& duplicate,
                                 UnixMicros now);

// The one entry a merged duplicate's consent history keeps (its own entries move to the
// survivor): that it was merged, when and by which key.
v1::ConsentChange MergedAwayEntry(UnixMicros now, const std::string& key_id);

}  // namespace clienttier::profile
