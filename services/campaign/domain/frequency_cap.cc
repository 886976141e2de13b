#include "services/campaign/domain/frequency_cap.h"

#include <algorithm>
#include <numeric>

#include "common/errors/domain_error.h"

namespace clienttier::campaign {
namespace {

UnixMicros WindowLength(const CapRule& rule) { return rule.window_days * kMicrosPerDay; }

// Ascending, with anything after `now` moved to `now` (see ContactsInWindow).
std::vector<UnixMicros> SortedUpToNow(const std::vector<UnixMicros>& contacts, UnixMicros now) {
  std::vector<UnixMicros> sorted;
  sorted.reserve(contacts.size());
  for (const UnixMicros contact : contacts) {
    sorted.push_back(std::min(contact, now));
  }
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// Contacts in [at - window, at], given an ascending list with nothing after `at`.
int64_t CountFrom(const std::vector<UnixMicros>& sorted, const CapRule& rule, UnixMicros at) {
  const auto first = std::lower_bound(sorted.begin(), sorted.end(), at - WindowLength(rule));
  return static_cast<int64_t>(sorted.end() - first);
}

bool AllRulesAllowOneMore(const std::vector<CapRule>& caps, const std::vector<UnixMicros>& sorted,
                          UnixMicros at) {
  return std::all_of(caps.begin(), caps.end(), [&](const CapRule& rule) {
    return CountFrom(sorted, rule, at) < rule.max_contacts;
  });
}

}  // namespace

void ValidateCapRules(const std::vector<CapRule>& caps, const std::string& field) {
  if (static_cast<int64_t>(caps.size()) > kMaxCapRules) {
    throw InvalidArgument(field, "at most " + std::to_string(kMaxCapRules) + " rules");
  }
  for (size_t i = 0; i < caps.size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    if (caps[i].max_contacts < 1) {
      throw InvalidArgument(item + ".max_contacts", "must be at least 1");
    }
    if (caps[i].window_days < 1 || caps[i].window_days > kMaxCapWindowDays) {
      throw InvalidArgument(item + ".window_days",
                            "must be between 1 and " + std::to_string(kMaxCapWindowDays));
    }
  }
}

std::string Describe(const CapRule& rule) {
  return "at most " + std::to_string(rule.max_contacts) +
         (rule.max_contacts == 1 ? " contact in " : " contacts in ") +
         std::to_string(rule.window_days) + (rule.window_days == 1 ? " day" : " days");
}

int64_t ContactsInWindow(const std::vector<UnixMicros>& contacts, int64_t window_days,
                         UnixMicros now) {
  const UnixMicros start = now - window_days * kMicrosPerDay;
  return std::count_if(contacts.begin(), contacts.end(),
                       [start](UnixMicros contact) { return contact >= start; });
}

CapVerdict CheckContact(const std::vector<CapRule>& caps, const std::vector<UnixMicros>& contacts,
                        UnixMicros now) {
  const std::vector<UnixMicros> sorted = SortedUpToNow(contacts, now);
  CapVerdict verdict;
  verdict.allowed_from = now;
  for (size_t i = 0; i < caps.size(); ++i) {
    const CapRule& rule = caps[i];
    const int64_t in_window = CountFrom(sorted, rule, now);
    if (in_window < rule.max_contacts) {
      continue;
    }
    if (verdict.allowed) {
      verdict.allowed = false;
      verdict.blocking_rule = static_cast<int64_t>(i);
      verdict.contacts_in_window = in_window;
    }
    // One more fits once the max_contacts-th most recent contact has left the window, i.e. a
    // microsecond after it is exactly window_days old (the window's start is inclusive).
    const UnixMicros oldest_that_must_leave =
        sorted[sorted.size() - static_cast<size_t>(rule.max_contacts)];
    verdict.allowed_from =
        std::max(verdict.allowed_from, oldest_that_must_leave + WindowLength(rule) + 1);
  }
  return verdict;
}

std::vector<bool> FitPlannedContacts(const std::vector<CapRule>& caps,
                                     const std::vector<UnixMicros>& contacts,
                                     const std::vector<UnixMicros>& planned, UnixMicros now) {
  std::vector<UnixMicros> sorted = SortedUpToNow(contacts, now);
  std::vector<size_t> order(planned.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::max(planned[a], now) < std::max(planned[b], now);
  });
  // Visiting in time order keeps every counted contact at or before the one being placed, so
  // the window ending at it is the fullest window it joins: a later window holds only a suffix
  // of the same contacts.
  std::vector<bool> kept(planned.size(), false);
  for (const size_t index : order) {
    const UnixMicros at = std::max(planned[index], now);
    if (AllRulesAllowOneMore(caps, sorted, at)) {
      kept[index] = true;
      sorted.push_back(at);  // stays ascending: `at` is the latest time placed so far
    }
  }
  return kept;
}

int64_t CountPlannedContactsAllowed(const std::vector<CapRule>& caps,
                                    const std::vector<UnixMicros>& contacts,
                                    const std::vector<UnixMicros>& planned, UnixMicros now) {
  const std::vector<bool> kept = FitPlannedContacts(caps, contacts, planned, now);
  return std::count(kept.begin(), kept.end(), true);
}

}  // namespace clienttier::campaign
