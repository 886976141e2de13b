#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/campaign/domain/segment_ast.h"

namespace clienttier::campaign {

enum class SegmentTokenKind : uint8_t {
  kEnd,
  kIdentifier,  // field names, keywords, function names, currency codes
  kString,      // "..." with \" and \\ escapes
  kNumber,      // -?[0-9]+(\.[0-9]+)?
  kLeftParen,
  kRightParen,
  kComma,
  kEqual,
  kNotEqual,
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
};

struct SegmentToken {
  SegmentTokenKind kind = SegmentTokenKind::kEnd;
  int64_t position = 0;   // 1-based byte column of the first byte
  std::string_view text;  // as written (a string with its quotes)
  std::string value;      // kString: the contents with escapes resolved
};

// Splits a rule into tokens on demand, so the first problem in reading order is the one
// reported. Whitespace is space, tab, CR and LF. Outside strings only printable ASCII is
// allowed; inside them any well-formed UTF-8 except control characters.
class SegmentLexer {
 public:
  explicit SegmentLexer(std::string_view text) : text_(text) {}

  // The next token, or false with `error` set.
  bool Next(SegmentToken& token, SegmentError& error);

 private:
  bool LexString(SegmentToken& token, SegmentError& error);
  bool LexNumber(SegmentToken& token, SegmentError& error);
  bool UnexpectedByte(size_t offset, SegmentError& error) const;

  std::string_view text_;
  size_t offset_ = 0;
};

// The token as written, shortened for a message: a rule may carry kilobytes of string.
std::string ShownText(const SegmentToken& token);

// How an error message names a token: `end of rule`, `"and"`, `the string "T1"`.
std::string DescribeToken(const SegmentToken& token);

// ---- What literal tokens mean, exactly (no floating point on the way) ----

// A number token split at its sign and decimal point: "-12.50" is {true, "12", "50"}.
struct NumberText {
  bool negative = false;
  std::string_view whole;
  std::string_view fraction;
};
NumberText SplitNumberToken(std::string_view text);

// The number times 10^decimals, or nullopt when that is beyond INT64_MAX in magnitude. The
// caller checks first that the number has at most `decimals` decimals: money is 5000.5 CNY ->
// ScaledInteger(.., 2) = 500050.
std::optional<int64_t> ScaledInteger(const NumberText& number, int decimals);

// value / 10^scale written out: FormatScaled(500050, 2) = "5000.50", (-5, 3) = "-0.005".
std::string FormatScaled(int64_t value, int scale);

// Days since 1970-01-01 of "YYYY-MM-DD" (years 0001..9999, proleptic Gregorian). nullopt with
// `well_formed` false when the text is not in that shape, with it true when it is not a
// calendar date ("2025-02-29").
std::optional<int64_t> DayFromIsoDate(std::string_view text, bool& well_formed);

}  // namespace clienttier::campaign
