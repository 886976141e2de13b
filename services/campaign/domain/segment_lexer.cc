#include "services/campaign/domain/segment_lexer.h"

#include <cstdio>

namespace clienttier::campaign {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentifierPart(char c) { return IsIdentifierStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int64_t Column(size_t offset) { return static_cast<int64_t>(offset) + 1; }

SegmentError ErrorAt(size_t offset, std::string message) {
  return SegmentError{Column(offset), std::move(message)};
}

std::string Hex(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "0x%02X", static_cast<unsigned>(byte));
  return buffer;
}

// The length of the well-formed UTF-8 sequence at text[offset] (lead byte >= 0x80), or 0.
// Overlong forms, surrogates and code points above U+10FFFF are not well-formed.
size_t Utf8SequenceLength(std::string_view text, size_t offset) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[offset + i]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;
    high = lead == 0xED ? 0x9F : 0xBF;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;
    high = lead == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (offset + length > text.size()) {
    return 0;
  }
  // Only the second byte has a narrowed range; the rest are plain continuation bytes.
  if (byte(1) < low || byte(1) > high) {
    return 0;
  }
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) {
      return 0;
    }
  }
  return length;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a valid date in years 1..9999, counting leap days before each year.
int64_t DayNumber(int64_t year, int month, int day) {
  const auto leap_days_before = [](int64_t y) {
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
  };
  int64_t days = (year - 1970) * 365 + leap_days_before(year) - leap_days_before(1970);
  for (int m = 1; m < month; ++m) {
    days += DaysInMonth(year, m);
  }
  return days + day - 1;
}

}  // namespace

bool SegmentLexer::Next(SegmentToken& token, SegmentError& error) {
  while (offset_ < text_.size() && IsSpace(text_[offset_])) {
    ++offset_;
  }
  token = SegmentToken{};
  token.position = Column(offset_);
  if (offset_ >= text_.size()) {
    token.kind = SegmentTokenKind::kEnd;
    return true;
  }
  const size_t start = offset_;
  const char c = text_[offset_];
  const auto single = [&](SegmentTokenKind kind, size_t length) {
    token.kind = kind;
    token.text = text_.substr(start, length);
    offset_ += length;
    return true;
  };
  const bool followed_by_equal = offset_ + 1 < text_.size() && text_[offset_ + 1] == '=';
  switch (c) {
    case '(':
      return single(SegmentTokenKind::kLeftParen, 1);
    case ')':
      return single(SegmentTokenKind::kRightParen, 1);
    case ',':
      return single(SegmentTokenKind::kComma, 1);
    case '=':
      return single(SegmentTokenKind::kEqual, 1);
    case '<':
      return followed_by_equal ? single(SegmentTokenKind::kLessOrEqual, 2)
                               : single(SegmentTokenKind::kLess, 1);
    case '>':
      return followed_by_equal ? single(SegmentTokenKind::kGreaterOrEqual, 2)
                               : single(SegmentTokenKind::kGreater, 1);
    case '!':
      if (followed_by_equal) {
        return single(SegmentTokenKind::kNotEqual, 2);
      }
      error = ErrorAt(start, "expected \"=\" after \"!\" (the operator is \"!=\")");
      return false;
    case '"':
      return LexString(token, error);
    default:
      break;
  }
  if (IsDigit(c) || c == '-') {
    return LexNumber(token, error);
  }
  if (IsIdentifierStart(c)) {
    while (offset_ < text_.size() && IsIdentifierPart(text_[offset_])) {
      ++offset_;
    }
    // "région" is one mistyped word, not the field "r" followed by a stray byte.
    if (offset_ < text_.size() && static_cast<unsigned char>(text_[offset_]) >= 0x80) {
      return UnexpectedByte(offset_, error);
    }
    token.kind = SegmentTokenKind::kIdentifier;
    token.text = text_.substr(start, offset_ - start);
    return true;
  }
  return UnexpectedByte(start, error);
}

bool SegmentLexer::UnexpectedByte(size_t start, SegmentError& error) const {
  const char c = text_[start];
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80) {
    error =
        ErrorAt(start, "unexpected byte " + Hex(byte) + ": outside strings a rule is plain ASCII");
  } else if (byte < 0x20 || byte == 0x7F) {
    error = ErrorAt(start, "unexpected control character " + Hex(byte));
  } else {
    error = ErrorAt(start, std::string("unexpected character \"") + c + "\"");
  }
  return false;
}

bool SegmentLexer::LexString(SegmentToken& token, SegmentError& error) {
  const size_t start = offset_;
  ++offset_;  // the opening quote
  std::string value;
  while (true) {
    if (offset_ >= text_.size()) {
      error = ErrorAt(start, "the string starting here is not closed with \"");
      return false;
    }
    const char c = text_[offset_];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"') {
      ++offset_;
      break;
    }
    if (c == '\\') {
      if (offset_ + 1 < text_.size() && (text_[offset_ + 1] == '"' || text_[offset_ + 1] == '\\')) {
        value.push_back(text_[offset_ + 1]);
        offset_ += 2;
        continue;
      }
      error = ErrorAt(offset_, "unknown escape in a string: only \\\" and \\\\ are allowed");
      return false;
    }
    if (byte < 0x20 || byte == 0x7F) {
      error = ErrorAt(offset_, "unexpected control character " + Hex(byte) + " in a string");
      return false;
    }
    if (byte >= 0x80) {
      const size_t length = Utf8SequenceLength(text_, offset_);
      if (length == 0) {
        error = ErrorAt(offset_, "invalid UTF-8 in a string");
        return false;
      }
      value.append(text_.substr(offset_, length));
      offset_ += length;
      continue;
    }
    value.push_back(c);
    ++offset_;
  }
  token.kind = SegmentTokenKind::kString;
  token.text = text_.substr(start, offset_ - start);
  token.value = std::move(value);
  return true;
}

bool SegmentLexer::LexNumber(SegmentToken& token, SegmentError& error) {
  const size_t start = offset_;
  if (text_[offset_] == '-') {
    ++offset_;
  }
  const auto digits = [&]() {
    const size_t first = offset_;
    while (offset_ < text_.size() && IsDigit(text_[offset_])) {
      ++offset_;
    }
    return offset_ > first;
  };
  if (!digits()) {
    error = ErrorAt(start, "expected a digit after \"-\"");
    return false;
  }
  if (offset_ < text_.size() && text_[offset_] == '.') {
    ++offset_;
    if (!digits()) {
      error = ErrorAt(offset_, "expected a digit after the decimal point");
      return false;
    }
  }
  // "5000CNY" or "1and" would read as two tokens; asking for a space keeps rules legible.
  if (offset_ < text_.size() && (IsIdentifierPart(text_[offset_]) || text_[offset_] == '.')) {
    error = ErrorAt(offset_, "expected a space or an operator after the number " +
                                 std::string(text_.substr(start, offset_ - start)));
    return false;
  }
  token.kind = SegmentTokenKind::kNumber;
  token.text = text_.substr(start, offset_ - start);
  return true;
}

std::string ShownText(const SegmentToken& token) {
  constexpr size_t kShown = 40;
  std::string text(token.text);
  if (text.size() > kShown) {
    size_t cut = kShown;
    // Never in the middle of a UTF-8 sequence: messages must stay valid text.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    text = text.substr(0, cut) + "...";
  }
  return text;
}

std::string DescribeToken(const SegmentToken& token) {
  switch (token.kind) {
    case SegmentTokenKind::kEnd:
      return "end of rule";
    case SegmentTokenKind::kString:
      return "the string " + ShownText(token);
    case SegmentTokenKind::kNumber:
      return "the number " + ShownText(token);
    default:
      return "\"" + ShownText(token) + "\"";
  }
}

// ---- Literal values ----

NumberText SplitNumberToken(std::string_view text) {
  NumberText number;
  if (!text.empty() && text[0] == '-') {
    number.negative = true;
    text.remove_prefix(1);
  }
  const size_t point = text.find('.');
  number.whole = text.substr(0, point);
  if (point != std::string_view::npos) {
    number.fraction = text.substr(point + 1);
  }
  return number;
}

std::optional<int64_t> ScaledInteger(const NumberText& number, int decimals) {
  uint64_t magnitude = 0;
  const auto push = [&magnitude](char digit) {
    // INT64_MAX's magnitude is the bound: no literal needs INT64_MIN.
    constexpr uint64_t kLimit = static_cast<uint64_t>(INT64_MAX);
    const auto value = static_cast<uint64_t>(digit - '0');
    if (magnitude > (kLimit - value) / 10) {
      return false;
    }
    magnitude = magnitude * 10 + value;
    return true;
  };
  for (const char digit : number.whole) {
    if (!push(digit)) {
      return std::nullopt;
    }
  }
  for (const char digit : number.fraction) {
    if (!push(digit)) {
      return std::nullopt;
    }
  }
  for (size_t i = number.fraction.size(); i < static_cast<size_t>(decimals); ++i) {
    if (!push('0')) {
      return std::nullopt;
    }
  }
  const auto value = static_cast<int64_t>(magnitude);
  return number.negative ? -value : value;
}

std::string FormatScaled(int64_t value, int scale) {
  const bool negative = value < 0;
  // Through unsigned, so the most negative value has a magnitude too.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative && value != 0 ? "-" + digits : digits;
}

std::optional<int64_t> DayFromIsoDate(std::string_view text, bool& well_formed) {
  well_formed = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i = 0; well_formed && i < text.size(); ++i) {
    well_formed = i == 4 || i == 7 || (text[i] >= '0' && text[i] <= '9');
  }
  if (!well_formed) {
    return std::nullopt;
  }
  const auto number = [&](size_t from, size_t length) {
    int value = 0;
    for (size_t i = from; i < from + length; ++i) {
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return DayNumber(year, month, day);
}

}  // namespace clienttier::campaign
