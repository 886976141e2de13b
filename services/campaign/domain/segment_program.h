#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/campaign/domain/segment_ast.h"
#include "services/campaign/domain/segment_member.h"

namespace clienttier::campaign {

// A parsed rule compiled for evaluating over many members: one instruction per condition,
// each a test with where to go when it holds and when it does not. `and`, `or` and `not`
// become those jumps (`not` costs nothing: it swaps them), so evaluation is a short loop that
// short-circuits like the rule reads, allocates nothing and cannot fail.
//
// Every comparison is precomputed into the cheapest test of the member's value: an inclusive
// range for numbers, money and dates (x < 5 is x in [min, 4]); a bit mask of accepted values
// for enum and boolean fields (tier <= "T2" accepts {T1, T2}); a sorted list for `in` over
// numbers; lower-cased literals for text compared without case.
//
// Members whose currency differs from the rule's (when the rule has one) never satisfy a
// money comparison; `not` and != still negate that, as everywhere.
//
// has_tag of a tag in `SensitiveTagGate::tags` (sensitive in the tenant: health data) holds only
// for members who granted a consent in `consent_mask` (bit n: SensitiveDataPurpose n), and then
// also for their concern tags; any other has_tag sees a member's non-concern tags only.
struct SensitiveTagGate {
  std::vector<std::string> tags;  // sorted
  uint8_t consent_mask = 0;       // 0: sensitive tags match nobody
};

class SegmentProgram {
 public:
  // Matches nothing.
  SegmentProgram() = default;

  static SegmentProgram Compile(const SegmentRule& rule, const SensitiveTagGate& gate = {});

  bool Matches(const SegmentMember& member) const;

  // Number of instructions: the rule's conditions, each once.
  size_t size() const { return code_.size(); }

 private:
  enum class Test : uint8_t {
    kIntegerRange,
    kIntegerSet,
    kMoneyRange,
    kMoneySet,
    kDecimalRange,
    kSmallMask,
    kTextSet,
    kFoldedTextSet,  // member text lower-cased (ASCII) before comparing
    kHasTag,
    kHasSensitiveTag,  // mask: the consents that allow it
  };

  // The exits of the jump code: negative, so any instruction index is >= 0.
  static constexpr int32_t kAccept = -1;
  static constexpr int32_t kReject = -2;

  struct Instruction {
    Test test = Test::kIntegerRange;
    int32_t on_true = kReject;
    int32_t on_false = kReject;
    uint32_t first = 0;  // kIntegerSet, kMoneySet: into integers_; text tests: into texts_
    uint32_t count = 0;
    int64_t low = 0;  // ranges, inclusive
    int64_t high = 0;
    double low_decimal = 0.0;
    double high_decimal = 0.0;
    uint64_t mask = 0;  // kSmallMask: bit n accepts value n
    int64_t SegmentMember::*integer = nullptr;
    double SegmentMember::*decimal = nullptr;
    std::string SegmentMember::*text = nullptr;
    uint8_t (*small)(const SegmentMember&) = nullptr;
  };

  class Builder;

  bool Holds(const Instruction& instruction, const SegmentMember& member) const;

  std::vector<Instruction> code_;
  std::vector<int64_t> integers_;
  std::vector<std::string> texts_;
  CurrencyCode currency_{};
  bool check_currency_ = false;
  int32_t entry_ = kReject;
};

}  // namespace clienttier::campaign
