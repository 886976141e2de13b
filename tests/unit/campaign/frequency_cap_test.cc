#include "services/campaign/domain/frequency_cap.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/errors/domain_error.h"

namespace clienttier::campaign {
namespace {

constexpr UnixMicros kNow = 1'767'225'600LL * kMicrosPerSecond;  // 2026-01-01T00:00:00Z
constexpr UnixMicros kDay = kMicrosPerDay;

// The usual tenant policy: at most 2 contacts in 7 days and at most 4 in 30.
const std::vector<CapRule> kCaps = {{2, 7}, {4, 30}};

std::string Message(const std::function<void()>& check) {
  try {
    check();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return error.what();
  }
  return "";
}

TEST(CapRulesTest, ValidationNamesTheField) {
  EXPECT_EQ(Message([] { ValidateCapRules(kCaps); }), "");
  EXPECT_EQ(Message([] { ValidateCapRules({}); }), "");
  EXPECT_EQ(Message([] {
              ValidateCapRules({{2, 7}, {4, 0}});
            }),
            "caps[1].window_days: must be between 1 and 365");
  EXPECT_EQ(Message([] {
              ValidateCapRules({{2, 7}, {4, 366}});
            }),
            "caps[1].window_days: must be between 1 and 365");
  EXPECT_EQ(Message([] { ValidateCapRules({{1, 365}}); }), "");
  EXPECT_EQ(Message([] {
              ValidateCapRules({{0, 7}});
            }),
            "caps[0].max_contacts: must be at least 1");
  EXPECT_EQ(Message([] {
              ValidateCapRules({{-3, 7}}, "config.caps");
            }),
            "config.caps[0].max_contacts: must be at least 1");
  EXPECT_EQ(Message([] { ValidateCapRules(std::vector<CapRule>(8, CapRule{1, 1})); }), "");
  EXPECT_EQ(Message([] {
              ValidateCapRules(std::vector<CapRule>(9, CapRule{1, 1}));
            }),
            "caps: at most 8 rules");
}

TEST(CapRulesTest, DescribeReadsAsASentence) {
  EXPECT_EQ(Describe({2, 7}), "at most 2 contacts in 7 days");
  EXPECT_EQ(Describe({1, 1}), "at most 1 contact in 1 day");
}

TEST(FrequencyCapTest, WindowIsClosedAtBothEnds) {
  EXPECT_EQ(ContactsInWindow({kNow - 7 * kDay}, 7, kNow), 1);      // exactly 7 days ago counts
  EXPECT_EQ(ContactsInWindow({kNow - 7 * kDay - 1}, 7, kNow), 0);  // a microsecond older not
  EXPECT_EQ(ContactsInWindow({kNow}, 7, kNow), 1);
  EXPECT_EQ(ContactsInWindow({kNow + kDay}, 7, kNow), 1);  // clock skew or queued: counted
}

TEST(FrequencyCapTest, NoRulesNoHistoryAllowed) {
  const CapVerdict verdict = CheckContact({}, {kNow, kNow, kNow}, kNow);
  EXPECT_TRUE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_rule, -1);
  EXPECT_EQ(verdict.allowed_from, kNow);
  EXPECT_TRUE(CheckContact(kCaps, {}, kNow).allowed);
}

TEST(FrequencyCapTest, BelowEveryCapIsAllowed) {
  const CapVerdict verdict = CheckContact(kCaps, {kNow - 1 * kDay, kNow - 20 * kDay}, kNow);
  EXPECT_TRUE(verdict.allowed);
  EXPECT_EQ(verdict.allowed_from, kNow);
}

TEST(FrequencyCapTest, ShortWindowBlocksAndSaysUntilWhen) {
  // Given out of order on purpose.
  const CapVerdict verdict = CheckContact(kCaps, {kNow - 3 * kDay, kNow - 1 * kDay}, kNow);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_rule, 0);
  EXPECT_EQ(verdict.contacts_in_window, 2);
  // The older of the two leaves the 7-day window a microsecond after it is 7 days old.
  EXPECT_EQ(verdict.allowed_from, kNow + 4 * kDay + 1);
}

TEST(FrequencyCapTest, LongWindowBlocksWhenTheShortOneIsClear) {
  const std::vector<UnixMicros> contacts = {kNow - 8 * kDay, kNow - 10 * kDay, kNow - 15 * kDay,
                                            kNow - 20 * kDay, kNow - 40 * kDay};
  const CapVerdict verdict = CheckContact(kCaps, contacts, kNow);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_rule, 1);
  EXPECT_EQ(verdict.contacts_in_window, 4);  // the 40-day-old one is outside
  EXPECT_EQ(verdict.allowed_from, kNow + 10 * kDay + 1);
}

TEST(FrequencyCapTest, BothBlockingNamesTheFirstAndWaitsForTheLast) {
  const std::vector<UnixMicros> contacts = {kNow - 1 * kDay, kNow - 2 * kDay, kNow - 25 * kDay,
                                            kNow - 28 * kDay};
  const CapVerdict verdict = CheckContact(kCaps, contacts, kNow);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_rule, 0);
  EXPECT_EQ(verdict.contacts_in_window, 2);
  // 7-day rule frees at +5d; the 30-day rule needs the 28-day-old contact gone: +2d. Both: +5d.
  EXPECT_EQ(verdict.allowed_from, kNow + 5 * kDay + 1);
}

TEST(FrequencyCapTest, AllowedFromIsTheExactBoundary) {
  const std::vector<UnixMicros> contacts = {kNow - 1 * kDay, kNow - 2 * kDay, kNow - 6 * kDay,
                                            kNow - 29 * kDay};
  const CapVerdict verdict = CheckContact(kCaps, contacts, kNow);
  ASSERT_FALSE(verdict.allowed);
  EXPECT_TRUE(CheckContact(kCaps, contacts, verdict.allowed_from).allowed);
  EXPECT_FALSE(CheckContact(kCaps, contacts, verdict.allowed_from - 1).allowed);
}

TEST(FrequencyCapTest, FutureContactsCountAsNow) {
  const CapVerdict verdict = CheckContact({{1, 7}}, {kNow + 3 * kDay}, kNow);
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.allowed_from, kNow + 7 * kDay + 1);
}

TEST(FrequencyCapTest, PlannedSequenceKeepsWhatFits) {
  // One contact yesterday; a three-step sequence today, tomorrow and in a week.
  const std::vector<UnixMicros> planned = {kNow, kNow + 1 * kDay, kNow + 7 * kDay};
  const std::vector<bool> kept = FitPlannedContacts({{2, 7}}, {kNow - kDay}, planned, kNow);
  // Today: 1 in window -> kept. Tomorrow: yesterday and today -> dropped. In a week: only
  // today's (exactly 7 days old, still inside) -> kept.
  EXPECT_EQ(kept, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(CountPlannedContactsAllowed({{2, 7}}, {kNow - kDay}, planned, kNow), 2);
}

TEST(FrequencyCapTest, PlannedAreVisitedInTimeOrder) {
  const std::vector<UnixMicros> planned = {kNow + 7 * kDay, kNow + 1 * kDay, kNow};
  EXPECT_EQ(FitPlannedContacts({{2, 7}}, {kNow - kDay}, planned, kNow),
            (std::vector<bool>{true, false, true}));
}

TEST(FrequencyCapTest, SimultaneousBatchFillsTheRemainingRoom) {
  const std::vector<UnixMicros> past = {kNow - 10 * kDay, kNow - 12 * kDay, kNow - 20 * kDay};
  const std::vector<UnixMicros> planned(3, kNow);
  // 30-day rule: room for 1. Ties are decided in input order.
  EXPECT_EQ(FitPlannedContacts(kCaps, past, planned, kNow),
            (std::vector<bool>{true, false, false}));
  EXPECT_EQ(CountPlannedContactsAllowed(kCaps, {}, planned, kNow), 2);  // 7-day rule: 2
  EXPECT_EQ(CountPlannedContactsAllowed({}, past, planned, kNow), 3);
  EXPECT_EQ(CountPlannedContactsAllowed(kCaps, past, {}, kNow), 0);
}

TEST(FrequencyCapTest, PlannedInThePastAreSentNow) {
  EXPECT_EQ(FitPlannedContacts({{1, 7}}, {}, {kNow - 30 * kDay, kNow}, kNow),
            (std::vector<bool>{true, false}));
}

TEST(FrequencyCapTest, KeptPlanKeepsEveryWindowWithinItsCap) {
  // A dense plan (every 12 hours for 60 days) against both rules: whatever is kept must not
  // put more than the cap into any window, checked from the end of every day.
  std::vector<UnixMicros> planned;
  for (int i = 0; i < 120; ++i) {
    planned.push_back(kNow + i * (kDay / 2));
  }
  const std::vector<UnixMicros> past = {kNow - 2 * kDay, kNow - 9 * kDay};
  const std::vector<bool> kept = FitPlannedContacts(kCaps, past, planned, kNow);
  std::vector<UnixMicros> all = past;
  for (size_t i = 0; i < planned.size(); ++i) {
    if (kept[i]) {
      all.push_back(planned[i]);
    }
  }
  for (int day = 0; day <= 60; ++day) {
    for (const UnixMicros end : {kNow + day * kDay, kNow + day * kDay + kDay / 2}) {
      std::vector<UnixMicros> up_to_end;
      for (const UnixMicros t : all) {
        if (t <= end) {
          up_to_end.push_back(t);
        }
      }
      EXPECT_LE(ContactsInWindow(up_to_end, 7, end), 2) << day;
      EXPECT_LE(ContactsInWindow(up_to_end, 30, end), 4) << day;
    }
  }
  EXPECT_GT(CountPlannedContactsAllowed(kCaps, past, planned, kNow), 4);  // not starved either
}

}  // namespace
}  // namespace clienttier::campaign
