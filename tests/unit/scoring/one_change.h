#pragma once

#include <vector>

#include <gtest/gtest.h>

#include "services/scoring/domain/aggregate_change.h"

namespace clienttier::scoring {

// The one change an event of a single record makes (kind kNone when it makes none); a test
// failure when it makes more.
inline AggregateChange OneChangeOf(const ::clienttier::profile::v1::ProfileEvent& event) {
  const std::vector<AggregateChange> changes = AggregateChangesOf(event);
  EXPECT_LE(changes.size(), 1u);
  return changes.empty() ? AggregateChange{} : changes.front();
}

}  // namespace clienttier::scoring
