#pragma once

#include "common/time/utc_time.h"

namespace clienttier::campaign::testing {

// A clock the test sets.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMicros now) : now_(now) {}
  UnixMicros Now() const override { return now_; }
  void Set(UnixMicros now) { now_ = now; }
  void Advance(UnixMicros by) { now_ += by; }

 private:
  UnixMicros now_;
};

}  // namespace clienttier::campaign::testing
