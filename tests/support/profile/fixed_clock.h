#pragma once

#include "common/time/utc_time.h"

namespace clienttier::testing {

// A clock the test moves by hand.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixMicros now) : now_(now) {}
  UnixMicros Now() const override { return now_; }
  void Advance(UnixMicros by) { now_ += by; }

 private:
  UnixMicros now_;
};

}  // namespace clienttier::testing
