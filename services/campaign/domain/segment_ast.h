#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/campaign/domain/segment_fields.h"

namespace clienttier::campaign {

// What is wrong with a rule, and where: the handler turns it into INVALID_ARGUMENT on the
// field "rule" (see AsInvalidArgument in segment_parser.h).
struct SegmentError {
  int64_t position = 0;  // 1-based byte column; one past the end for "end of rule"
  std::string message;   // "expected a value after \"=\" but found end of rule"

  std::string ToString() const { return "at " + std::to_string(position) + ": " + message; }
};

// A value or the error that stopped it. Rules come from marketers, so a bad rule is an
// expected outcome, not an exception.
template <typename T>
class SegmentResult {
 public:
  SegmentResult(T value) : value_(std::move(value)) {}             // NOLINT: implicit by design
  SegmentResult(SegmentError error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  const SegmentError& error() const { return error_; }

 private:
  std::optional<T> value_;
  SegmentError error_;
};

enum class SegmentOp : uint8_t {
  kEqual,
  kNotEqual,
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
  kIn,
  kNotIn,
  kBetween,  // inclusive at both ends
  kNotBetween,
  kIsTrue,  // a boolean field on its own: `churn_warning`
  kHasTag,  // has_tag("parenting"); no field
};

// A literal already checked against its field and converted to what the member stores.
struct SegmentValue {
  // kInteger, kMoney (minor units), kDate (day), kEnum and kBoolean (number), kRfmCell (545).
  int64_t integer = 0;
  // kDecimal: exactly mantissa / 10^scale as written (trailing zeros dropped), and the
  // nearest double, which the member's value is compared with.
  int64_t mantissa = 0;
  int scale = 0;
  double decimal = 0.0;
  // kText and has_tag: the text (a tag in lower case); kDate: "2025-01-01" when written as
  // date(...).
  std::string text;
  // kDate written as days_ago(N): N; -1 otherwise.
  int64_t days_ago = -1;
};

struct SegmentCondition {
  const FieldInfo* field = nullptr;  // nullptr for has_tag
  SegmentOp op = SegmentOp::kEqual;
  // One for comparisons and has_tag, two for between, one or more (sorted, distinct) for in.
  std::vector<SegmentValue> values;
};

struct SegmentExpr {
  enum class Kind : uint8_t { kAnd, kOr, kNot, kCondition };
  Kind kind = Kind::kCondition;
  // kAnd and kOr: two or more, none of the same kind (nested ones are flattened); kNot: one.
  std::vector<SegmentExpr> operands;
  SegmentCondition condition;  // kCondition
};

// A parsed, type-checked rule, with the tenant facts its values were resolved against.
struct SegmentRule {
  SegmentExpr root;
  std::string currency;       // "CNY"; empty when the tenant's currency was not given
  int currency_exponent = 2;  // minor units per major unit = 10^exponent
};

}  // namespace clienttier::campaign
