#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/time/utc_time.h"

namespace clienttier::campaign {

// "At most max_contacts marketing contacts in any window_days-day window", per tenant, counted
// over every campaign and channel: a client who hears from three campaigns on three channels
// has still heard from the organisation three times.
struct CapRule {
  int64_t max_contacts = 0;
  int64_t window_days = 0;
};

inline constexpr int64_t kMaxCapRules = 8;
inline constexpr int64_t kMaxCapWindowDays = 365;

// Throws InvalidArgument naming the first broken rule, e.g.
// "caps[1].window_days: must be between 1 and 365". An empty list is valid and caps nothing.
void ValidateCapRules(const std::vector<CapRule>& caps, const std::string& field = "caps");

// "at most 2 contacts in 7 days", for reasons shown to people.
std::string Describe(const CapRule& rule);

// A rule's window, seen from `now`, is the closed interval [now - window_days days, now]: a
// contact exactly window_days ago still counts, one a microsecond older does not. Contacts
// stamped after `now` (a writer's clock ahead of ours, a send already queued) count as if made
// at `now`: they are contacts the client will have had, and a cap errs on the side of quiet.
int64_t ContactsInWindow(const std::vector<UnixMicros>& contacts, int64_t window_days,
                         UnixMicros now);

struct CapVerdict {
  bool allowed = true;
  int64_t blocking_rule = -1;      // index into the caps of the first rule that blocks; -1 if none
  int64_t contacts_in_window = 0;  // under the blocking rule
  // The earliest time one more contact is allowed under every rule (now when allowed):
  // the moment enough old contacts have left each full window.
  UnixMicros allowed_from = 0;
};

// Whether one more contact at `now` keeps every rule: for each, ContactsInWindow < max_contacts.
// `contacts` are the client's past contact times in any order. `caps` must be valid.
CapVerdict CheckContact(const std::vector<CapRule>& caps, const std::vector<UnixMicros>& contacts,
                        UnixMicros now);

// For a batch of planned contacts (a sequence of sends, or several at once): which of them the
// caps allow. Greedy in time order, ties in input order: a planned contact is kept when one more
// contact at its time keeps every rule given the past contacts and the planned ones kept so far;
// a blocked one is dropped and later ones may still fit once old contacts leave the window.
// Planned times before `now` are taken as `now` (nothing can be sent in the past); past contacts
// after `now` as `now`, as above. The result is parallel to `planned`.
std::vector<bool> FitPlannedContacts(const std::vector<CapRule>& caps,
                                     const std::vector<UnixMicros>& contacts,
                                     const std::vector<UnixMicros>& planned, UnixMicros now);
// How many FitPlannedContacts keeps.
int64_t CountPlannedContactsAllowed(const std::vector<CapRule>& caps,
                                    const std::vector<UnixMicros>& contacts,
                                    const std::vector<UnixMicros>& planned, UnixMicros now);

}  // namespace clienttier::campaign
