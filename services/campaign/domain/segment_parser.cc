#include "services/campaign/domain/segment_parser.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "services/campaign/domain/segment_lexer.h"

namespace clienttier::campaign {
namespace {

using Kind = SegmentExpr::Kind;

std::string UpperCase(std::string text) {
  for (char& c : text) {
    c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return text;
}

bool IsUpperCurrency(std::string_view code) {
  return code.size() == 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// 10^0 .. 10^22 are exact doubles, so mantissa / 10^scale with a mantissa below 2^53 is the
// correctly rounded double of the decimal.
constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kMaxDecimalScale = 22;
constexpr int64_t kMaxExactMantissa = int64_t{1} << 53;

// ---- Words ----

constexpr const char* kKeywords[] = {"and",  "or",    "not",     "in",   "between",
                                     "true", "false", "has_tag", "date", "days_ago"};

bool IsWord(const SegmentToken& token, const char* word) {
  return token.kind == SegmentTokenKind::kIdentifier && EqualsIgnoringAsciiCase(token.text, word);
}

bool IsKeyword(const SegmentToken& token) {
  return std::any_of(std::begin(kKeywords), std::end(kKeywords),
                     [&token](const char* keyword) { return IsWord(token, keyword); });
}

const char* OperatorText(SegmentOp op) {
  switch (op) {
    case SegmentOp::kEqual:
      return "=";
    case SegmentOp::kNotEqual:
      return "!=";
    case SegmentOp::kLess:
      return "<";
    case SegmentOp::kLessOrEqual:
      return "<=";
    case SegmentOp::kGreater:
      return ">";
    case SegmentOp::kGreaterOrEqual:
      return ">=";
    case SegmentOp::kIn:
      return "in";
    case SegmentOp::kNotIn:
      return "not in";
    case SegmentOp::kBetween:
      return "between";
    case SegmentOp::kNotBetween:
      return "not between";
    case SegmentOp::kIsTrue:
    case SegmentOp::kHasTag:
      break;
  }
  return "";
}

std::optional<SegmentOp> ComparisonOp(SegmentTokenKind kind) {
  switch (kind) {
    case SegmentTokenKind::kEqual:
      return SegmentOp::kEqual;
    case SegmentTokenKind::kNotEqual:
      return SegmentOp::kNotEqual;
    case SegmentTokenKind::kLess:
      return SegmentOp::kLess;
    case SegmentTokenKind::kLessOrEqual:
      return SegmentOp::kLessOrEqual;
    case SegmentTokenKind::kGreater:
      return SegmentOp::kGreater;
    case SegmentTokenKind::kGreaterOrEqual:
      return SegmentOp::kGreaterOrEqual;
    default:
      return std::nullopt;
  }
}

bool IsOrdering(SegmentOp op) {
  return op == SegmentOp::kLess || op == SegmentOp::kLessOrEqual || op == SegmentOp::kGreater ||
         op == SegmentOp::kGreaterOrEqual || op == SegmentOp::kBetween ||
         op == SegmentOp::kNotBetween;
}

bool IsList(SegmentOp op) { return op == SegmentOp::kIn || op == SegmentOp::kNotIn; }

// Which operators a field takes, and how to say so when one does not apply.
bool Applies(const FieldInfo& field, SegmentOp op) {
  switch (field.kind) {
    case FieldKind::kInteger:
    case FieldKind::kMoney:
    case FieldKind::kDate:
      return true;
    case FieldKind::kDecimal:
      return !IsList(op);
    case FieldKind::kEnum:
      return field.ordered || !IsOrdering(op);
    case FieldKind::kBoolean:
      return op == SegmentOp::kEqual || op == SegmentOp::kNotEqual;
    case FieldKind::kText:
    case FieldKind::kRfmCell:
      return !IsOrdering(op);
  }
  return false;
}

std::string OperatorsFor(const FieldInfo& field) {
  switch (field.kind) {
    case FieldKind::kDecimal:
      return "=, !=, <, <=, >, >=, between or not between";
    case FieldKind::kBoolean:
      return std::string(field.name) + " on its own, = true or = false";
    default:
      return "=, !=, in or not in";
  }
}

std::string WhyNot(const FieldInfo& field) {
  switch (field.kind) {
    case FieldKind::kDecimal:
      return "is a decimal number";
    case FieldKind::kEnum:
      return "has no order";
    case FieldKind::kBoolean:
      return "is true or false";
    case FieldKind::kRfmCell:
      return "is an RFM cell";
    default:
      return "is text";
  }
}

std::string ExpectedLiteral(const FieldInfo& field, const SegmentContext& context) {
  switch (field.kind) {
    case FieldKind::kInteger:
      return "a whole number such as 30";
    case FieldKind::kDecimal:
      return "a number such as 0.5";
    case FieldKind::kMoney:
      return "a number such as 5000" + (context.currency.empty()
                                            ? std::string()
                                            : " or an amount such as 5000 " + context.currency);
    case FieldKind::kDate:
      return "date(\"2025-01-01\") or days_ago(30)";
    case FieldKind::kEnum:
      return DescribeEnumValues(field);
    case FieldKind::kBoolean:
      return "true or false";
    case FieldKind::kText:
      return "a string in quotes";
    case FieldKind::kRfmCell:
      return "a cell in quotes such as \"555\"";
  }
  return "a value";
}

// ---- The parser ----

class Parser {
 public:
  Parser(std::string_view text, const SegmentContext& context) : lexer_(text), context_(context) {}

  SegmentResult<SegmentRule> Parse();

 private:
  bool Advance();
  bool Fail(int64_t position, std::string message);
  bool Expected(const std::string& what);

  // Open parentheses and `not`s, each a level of the parser's recursion or the tree.
  bool Deepen(int64_t position);

  bool ParseOr(SegmentExpr& out);
  bool ParseAnd(SegmentExpr& out);
  // One level of `or` or `and`: operands of the next tighter level joined by `word`.
  bool ParseChain(SegmentExpr::Kind kind, const char* word, bool (Parser::*operand)(SegmentExpr&),
                  SegmentExpr& out);
  bool ParseNot(SegmentExpr& out);
  bool ParsePrimary(SegmentExpr& out);
  bool ParseCondition(SegmentCondition& out);
  bool ParseHasTag(SegmentCondition& out);
  bool ParseOperator(const FieldInfo& field, const SegmentToken& field_token,
                     SegmentCondition& out);
  bool ParseList(const FieldInfo& field, SegmentCondition& out);
  bool ParseBetween(const FieldInfo& field, SegmentCondition& out);

  bool ParseValue(const FieldInfo& field, SegmentOp op, const std::string& after,
                  SegmentValue& out);
  bool ParseNumberValue(const FieldInfo& field, SegmentOp op, SegmentValue& out);
  bool ParseMoney(const NumberText& number, SegmentValue& out);
  bool ParseStringValue(const FieldInfo& field, SegmentOp op, SegmentValue& out);
  bool ParseDate(SegmentValue& out);
  bool ParseDaysAgo(SegmentValue& out);
  bool ExpectToken(SegmentTokenKind kind, const std::string& what);
  bool WrongType(const FieldInfo& field);
  bool RejectCurrency(const FieldInfo& field);

  SegmentLexer lexer_;
  const SegmentContext& context_;
  SegmentToken token_;
  SegmentError error_;
  int nesting_ = 0;
  int conditions_ = 0;
};

bool Parser::Advance() { return lexer_.Next(token_, error_); }

bool Parser::Fail(int64_t position, std::string message) {
  error_ = SegmentError{position, std::move(message)};
  return false;
}

bool Parser::Expected(const std::string& what) {
  return Fail(token_.position, "expected " + what + " but found " + DescribeToken(token_));
}

SegmentResult<SegmentRule> Parser::Parse() {
  SegmentRule rule;
  rule.currency = context_.currency;
  rule.currency_exponent = context_.currency_exponent;
  if (!Advance()) {
    return error_;
  }
  if (token_.kind == SegmentTokenKind::kEnd) {
    return SegmentError{1, "the rule is empty"};
  }
  if (!ParseOr(rule.root)) {
    return error_;
  }
  if (token_.kind != SegmentTokenKind::kEnd) {
    Expected("\"and\", \"or\" or end of rule");
    return error_;
  }
  return rule;
}

// Builds a flat and/or: (a and b) and c is a and b and c.
void Append(Kind kind, SegmentExpr& chain, SegmentExpr operand) {
  if (operand.kind == kind) {
    for (SegmentExpr& inner : operand.operands) {
      chain.operands.push_back(std::move(inner));
    }
  } else {
    chain.operands.push_back(std::move(operand));
  }
}

bool Parser::ParseOr(SegmentExpr& out) {
  return ParseChain(Kind::kOr, "or", &Parser::ParseAnd, out);
}

bool Parser::ParseAnd(SegmentExpr& out) {
  return ParseChain(Kind::kAnd, "and", &Parser::ParseNot, out);
}

bool Parser::ParseChain(Kind kind, const char* word, bool (Parser::*operand)(SegmentExpr&),
                        SegmentExpr& out) {
  SegmentExpr first;
  if (!(this->*operand)(first)) {
    return false;
  }
  if (!IsWord(token_, word)) {
    out = std::move(first);
    return true;
  }
  SegmentExpr chain;
  chain.kind = kind;
  Append(kind, chain, std::move(first));
  while (IsWord(token_, word)) {
    SegmentExpr next;
    if (!Advance() || !(this->*operand)(next)) {
      return false;
    }
    Append(kind, chain, std::move(next));
  }
  out = std::move(chain);
  return true;
}

bool Parser::Deepen(int64_t position) {
  if (nesting_ == kMaxNesting) {
    return Fail(position, "nested deeper than " + std::to_string(kMaxNesting) +
                              " levels of parentheses and not");
  }
  ++nesting_;
  return true;
}

bool Parser::ParseNot(SegmentExpr& out) {
  // A loop rather than recursion, but each `not` still deepens the tree, so it counts.
  int nots = 0;
  while (IsWord(token_, "not")) {
    if (!Deepen(token_.position)) {
      return false;
    }
    ++nots;
    if (!Advance()) {
      return false;
    }
  }
  SegmentExpr operand;
  if (!ParsePrimary(operand)) {
    return false;
  }
  nesting_ -= nots;
  for (int i = 0; i < nots; ++i) {
    SegmentExpr negation;
    negation.kind = Kind::kNot;
    negation.operands.push_back(std::move(operand));
    operand = std::move(negation);
  }
  out = std::move(operand);
  return true;
}

bool Parser::ParsePrimary(SegmentExpr& out) {
  if (token_.kind == SegmentTokenKind::kLeftParen) {
    const int64_t open = token_.position;
    if (!Deepen(open) || !Advance() || !ParseOr(out)) {
      return false;
    }
    --nesting_;
    if (token_.kind != SegmentTokenKind::kRightParen) {
      return Expected("\"and\", \"or\" or \")\" to close the \"(\" at " + std::to_string(open));
    }
    return Advance();
  }
  out.kind = Kind::kCondition;
  return ParseCondition(out.condition);
}

bool Parser::ParseCondition(SegmentCondition& out) {
  if (token_.kind != SegmentTokenKind::kIdentifier ||
      (IsKeyword(token_) && !IsWord(token_, "has_tag"))) {
    return Expected("a field name, \"not\" or \"(\"");
  }
  if (++conditions_ > kMaxConditions) {
    return Fail(token_.position,
                "more than " + std::to_string(kMaxConditions) + " conditions in one rule");
  }
  if (IsWord(token_, "has_tag")) {
    return ParseHasTag(out);
  }
  const FieldInfo* field = FindSegmentField(token_.text);
  if (field == nullptr) {
    std::string message = "unknown field \"" + std::string(token_.text) + "\"";
    const std::string suggestion = SuggestSegmentField(token_.text);
    if (!suggestion.empty()) {
      message += " (did you mean \"" + suggestion + "\"?)";
    }
    return Fail(token_.position, message);
  }
  out.field = field;
  const SegmentToken field_token = token_;
  return Advance() && ParseOperator(*field, field_token, out);
}

bool Parser::ParseHasTag(SegmentCondition& out) {
  out.op = SegmentOp::kHasTag;
  if (!Advance() || !ExpectToken(SegmentTokenKind::kLeftParen, "\"(\" after \"has_tag\"")) {
    return false;
  }
  if (token_.kind != SegmentTokenKind::kString) {
    return Expected("a tag in quotes such as \"parenting\"");
  }
  SegmentValue tag;
  // Profile stores tags in lower case, 1 to 64 of [a-z0-9_-]; anything else would never match.
  tag.text = AsciiLowerCase(token_.value);
  const bool valid =
      !tag.text.empty() && tag.text.size() <= 64 &&
      std::all_of(tag.text.begin(), tag.text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (!valid) {
    return Fail(token_.position,
                ShownText(token_) + " is not a tag: tags are 1 to 64 of a-z, 0-9, _ and -");
  }
  out.values.push_back(std::move(tag));
  return Advance() && ExpectToken(SegmentTokenKind::kRightParen, "\")\" after the tag");
}

bool Parser::ExpectToken(SegmentTokenKind kind, const std::string& what) {
  if (token_.kind != kind) {
    return Expected(what);
  }
  return Advance();
}

bool Parser::ParseOperator(const FieldInfo& field, const SegmentToken& field_token,
                           SegmentCondition& out) {
  const SegmentToken op_token = token_;
  std::optional<SegmentOp> op = ComparisonOp(token_.kind);
  if (!op && IsWord(token_, "in")) {
    op = SegmentOp::kIn;
  } else if (!op && IsWord(token_, "between")) {
    op = SegmentOp::kBetween;
  } else if (!op && IsWord(token_, "not")) {
    if (!Advance()) {
      return false;
    }
    if (IsWord(token_, "in")) {
      op = SegmentOp::kNotIn;
    } else if (IsWord(token_, "between")) {
      op = SegmentOp::kNotBetween;
    } else {
      return Expected("\"in\" or \"between\" after \"not\"");
    }
  }
  if (!op) {
    if (field.kind == FieldKind::kBoolean) {
      out.op = SegmentOp::kIsTrue;
      return true;
    }
    return Expected("an operator (=, !=, <, <=, >, >=, in, not in, between) after \"" +
                    std::string(field_token.text) + "\"");
  }
  if (!Applies(field, *op)) {
    return Fail(op_token.position, "\"" + std::string(OperatorText(*op)) + "\" does not apply to " +
                                       field.name + ", which " + WhyNot(field) + ": use " +
                                       OperatorsFor(field));
  }
  out.op = *op;
  if (!Advance()) {
    return false;
  }
  if (IsList(*op)) {
    return ParseList(field, out);
  }
  if (*op == SegmentOp::kBetween || *op == SegmentOp::kNotBetween) {
    return ParseBetween(field, out);
  }
  out.values.emplace_back();
  return ParseValue(field, *op, "\"" + std::string(OperatorText(*op)) + "\"", out.values.back());
}

// Sorted and without duplicates, so equal lists print equally. Text ignores case where the
// field does.
void Normalise(const FieldInfo& field, std::vector<SegmentValue>& values) {
  const bool by_text = field.kind == FieldKind::kText;
  const auto key = [&field](const SegmentValue& value) {
    return field.case_sensitive ? value.text : AsciiLowerCase(value.text);
  };
  std::stable_sort(values.begin(), values.end(), [&](const SegmentValue& a, const SegmentValue& b) {
    return by_text ? key(a) < key(b) : a.integer < b.integer;
  });
  values.erase(std::unique(values.begin(), values.end(),
                           [&](const SegmentValue& a, const SegmentValue& b) {
                             return by_text ? key(a) == key(b) : a.integer == b.integer;
                           }),
               values.end());
}

bool Parser::ParseList(const FieldInfo& field, SegmentCondition& out) {
  if (token_.kind != SegmentTokenKind::kLeftParen) {
    return Expected("\"(\" after \"in\"");
  }
  std::string after = "\"(\"";
  while (true) {
    if (!Advance()) {
      return false;
    }
    if (out.values.size() == kMaxListValues) {
      return Fail(token_.position,
                  "more than " + std::to_string(kMaxListValues) + " values in one list");
    }
    out.values.emplace_back();
    if (!ParseValue(field, out.op, after, out.values.back())) {
      return false;
    }
    if (token_.kind == SegmentTokenKind::kRightParen) {
      break;
    }
    if (token_.kind != SegmentTokenKind::kComma) {
      return Expected("\",\" or \")\" in the list");
    }
    after = "\",\"";
  }
  Normalise(field, out.values);
  return Advance();
}

bool Parser::ParseBetween(const FieldInfo& field, SegmentCondition& out) {
  out.values.resize(2);
  const int64_t low_position = token_.position;
  if (!ParseValue(field, out.op, "\"between\"", out.values[0])) {
    return false;
  }
  if (!IsWord(token_, "and")) {
    return Expected("\"and\" after the lower bound of \"between\"");
  }
  if (!Advance() || !ParseValue(field, out.op, "\"and\"", out.values[1])) {
    return false;
  }
  const SegmentValue& low = out.values[0];
  const SegmentValue& high = out.values[1];
  const bool reversed =
      field.kind == FieldKind::kDecimal ? low.decimal > high.decimal : low.integer > high.integer;
  if (reversed) {
    return Fail(low_position, "the lower bound of \"between\" is above its upper bound");
  }
  return true;
}

bool Parser::ParseValue(const FieldInfo& field, SegmentOp op, const std::string& after,
                        SegmentValue& out) {
  switch (token_.kind) {
    case SegmentTokenKind::kNumber:
      return ParseNumberValue(field, op, out) && RejectCurrency(field);
    case SegmentTokenKind::kString:
      return ParseStringValue(field, op, out);
    case SegmentTokenKind::kIdentifier:
      break;
    default:
      return Expected("a value after " + after);
  }
  if (IsWord(token_, "true") || IsWord(token_, "false")) {
    if (field.kind != FieldKind::kBoolean) {
      return WrongType(field);
    }
    out.integer = IsWord(token_, "true") ? 1 : 0;
    return Advance();
  }
  if (IsWord(token_, "date") || IsWord(token_, "days_ago")) {
    if (field.kind != FieldKind::kDate) {
      return WrongType(field);
    }
    return IsWord(token_, "date") ? ParseDate(out) : ParseDaysAgo(out);
  }
  if (field.kind == FieldKind::kEnum && !field.numeric_literals &&
      FindEnumValue(field, token_.text) >= 0) {
    return Fail(token_.position, "expected a value after " + after + " but found \"" +
                                     std::string(token_.text) + "\" (write values in quotes: \"" +
                                     std::string(token_.text) + "\")");
  }
  return Expected("a value after " + after);
}

bool Parser::WrongType(const FieldInfo& field) {
  return Fail(token_.position, std::string(field.name) + " is " + DescribeKind(field.kind) +
                                   ": expected " + ExpectedLiteral(field, context_) +
                                   " but found " + DescribeToken(token_));
}

// A currency code right after a number is only for money: say so rather than report the
// code as a stray word later.
bool Parser::RejectCurrency(const FieldInfo& field) {
  if (field.kind == FieldKind::kMoney || token_.kind != SegmentTokenKind::kIdentifier ||
      !IsUpperCurrency(token_.text) || IsKeyword(token_)) {
    return true;
  }
  return Fail(token_.position, "a currency applies only to amounts of money, and " +
                                   std::string(field.name) + " is " + DescribeKind(field.kind));
}

bool Parser::ParseNumberValue(const FieldInfo& field, SegmentOp op, SegmentValue& out) {
  const NumberText number = SplitNumberToken(token_.text);
  const std::string written(token_.text);
  switch (field.kind) {
    case FieldKind::kMoney:
      return ParseMoney(number, out);
    case FieldKind::kInteger:
    case FieldKind::kEnum: {
      if (field.kind == FieldKind::kEnum && !field.numeric_literals) {
        return WrongType(field);
      }
      if (!number.fraction.empty()) {
        return Fail(token_.position, std::string(field.name) +
                                         " is a whole number: expected no decimals but found " +
                                         written);
      }
      const std::optional<int64_t> value = ScaledInteger(number, 0);
      if (!value) {
        return Fail(token_.position, "the number " + written + " is too large");
      }
      if (field.kind == FieldKind::kEnum) {
        const bool known = *value == 0 || (*value > 0 && *value <= 255 &&
                                           FindEnumValue(field, std::to_string(*value)) > 0);
        if (!known) {
          return Fail(token_.position, written + " is not a value of " + field.name +
                                           ": expected " + DescribeEnumValues(field));
        }
        if (*value == 0 && IsOrdering(op)) {
          return Fail(token_.position,
                      std::string("0 (unspecified) has no place in the order of ") + field.name);
        }
      }
      out.integer = *value;
      return Advance();
    }
    case FieldKind::kDecimal: {
      std::string_view fraction = number.fraction;
      while (!fraction.empty() && fraction.back() == '0') {
        fraction.remove_suffix(1);
      }
      if (fraction.size() > static_cast<size_t>(kMaxDecimalScale)) {
        return Fail(token_.position, "the number " + written + " has more than " +
                                         std::to_string(kMaxDecimalScale) + " decimals");
      }
      const NumberText trimmed{number.negative, number.whole, fraction};
      const std::optional<int64_t> mantissa =
          ScaledInteger(trimmed, static_cast<int>(fraction.size()));
      if (!mantissa || *mantissa >= kMaxExactMantissa || *mantissa <= -kMaxExactMantissa) {
        return Fail(token_.position, "the number " + written + " has too many digits");
      }
      out.mantissa = *mantissa;
      out.scale = static_cast<int>(fraction.size());
      out.decimal = static_cast<double>(*mantissa) / kExactPowersOfTen[out.scale];
      return Advance();
    }
    default:
      return WrongType(field);
  }
}

bool Parser::ParseMoney(const NumberText& number, SegmentValue& out) {
  const std::string written(token_.text);
  const std::string currency_name =
      context_.currency.empty() ? std::string("the tenant currency") : context_.currency;
  const size_t decimals = number.fraction.size();
  if (decimals > static_cast<size_t>(context_.currency_exponent)) {
    return Fail(token_.position, written + " has " + std::to_string(decimals) +
                                     (decimals == 1 ? " decimal but " : " decimals but ") +
                                     currency_name + " has " +
                                     std::to_string(context_.currency_exponent));
  }
  const std::optional<int64_t> minor = ScaledInteger(number, context_.currency_exponent);
  if (!minor) {
    return Fail(token_.position, "the amount " + written + " is too large");
  }
  out.integer = *minor;
  if (!Advance()) {
    return false;
  }
  // A three-letter word after the amount is its currency; keywords are never currencies.
  const bool has_code = token_.kind == SegmentTokenKind::kIdentifier && token_.text.size() == 3 &&
                        !IsKeyword(token_) &&
                        std::all_of(token_.text.begin(), token_.text.end(), [](char c) {
                          return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                        });
  if (!has_code) {
    return true;
  }
  const std::string code(token_.text);
  if (!IsUpperCurrency(code)) {
    return Fail(token_.position, "currency codes are written in upper case: " + code +
                                     " should be " + UpperCase(code));
  }
  if (context_.currency.empty()) {
    return Fail(token_.position, "the amount is in " + code +
                                     " but the tenant currency is not known: write the amount "
                                     "without a currency");
  }
  if (code != context_.currency) {
    return Fail(token_.position,
                "the amount is in " + code + " but the tenant currency is " + context_.currency);
  }
  return Advance();
}

bool Parser::ParseStringValue(const FieldInfo& field, SegmentOp op, SegmentValue& out) {
  const std::string& text = token_.value;
  switch (field.kind) {
    case FieldKind::kText:
      out.text = text;
      return Advance();
    case FieldKind::kEnum: {
      if (field.numeric_literals) {
        return WrongType(field);
      }
      const int number = FindEnumValue(field, text);
      if (number < 0) {
        return Fail(token_.position, ShownText(token_) + " is not a value of " + field.name +
                                         ": expected " + DescribeEnumValues(field));
      }
      if (number == 0 && IsOrdering(op)) {
        return Fail(token_.position,
                    std::string("\"unspecified\" has no place in the order of ") + field.name);
      }
      out.integer = number;
      return Advance();
    }
    case FieldKind::kRfmCell: {
      const bool valid = text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) {
                           return c >= '1' && c <= '5';
                         });
      if (!valid) {
        return Fail(token_.position, ShownText(token_) +
                                         " is not an RFM cell: expected three digits 1 to 5 "
                                         "such as \"545\"");
      }
      out.integer = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
      return Advance();
    }
    default:
      return WrongType(field);
  }
}

bool Parser::ParseDate(SegmentValue& out) {
  if (!Advance() || !ExpectToken(SegmentTokenKind::kLeftParen, "\"(\" after \"date\"")) {
    return false;
  }
  if (token_.kind != SegmentTokenKind::kString) {
    return Expected("a date in quotes such as \"2025-01-01\"");
  }
  bool well_formed = false;
  const std::optional<int64_t> day = DayFromIsoDate(token_.value, well_formed);
  if (!well_formed) {
    return Expected("a date written YYYY-MM-DD");
  }
  if (!day) {
    return Fail(token_.position, ShownText(token_) + " is not a calendar date");
  }
  out.integer = *day;
  out.text = token_.value;
  return Advance() && ExpectToken(SegmentTokenKind::kRightParen, "\")\" after the date");
}

bool Parser::ParseDaysAgo(SegmentValue& out) {
  const int64_t position = token_.position;
  if (!Advance() || !ExpectToken(SegmentTokenKind::kLeftParen, "\"(\" after \"days_ago\"")) {
    return false;
  }
  if (token_.kind != SegmentTokenKind::kNumber) {
    return Expected("a number of days");
  }
  const NumberText number = SplitNumberToken(token_.text);
  const std::optional<int64_t> days =
      number.fraction.empty() ? ScaledInteger(number, 0) : std::nullopt;
  if (!days || *days < 0 || *days > kMaxDaysAgo) {
    return Fail(token_.position,
                "days_ago takes a whole number of days from 0 to " + std::to_string(kMaxDaysAgo));
  }
  if (!context_.today) {
    return Fail(position, "days_ago needs today's date, which this caller does not give");
  }
  out.days_ago = *days;
  out.integer = *context_.today - *days;
  return Advance() && ExpectToken(SegmentTokenKind::kRightParen, "\")\" after the number of days");
}

// ---- Canonical text ----

std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted.push_back('\\');
    }
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string ValueText(const SegmentRule& rule, const FieldInfo& field, const SegmentValue& value) {
  switch (field.kind) {
    case FieldKind::kInteger:
      return std::to_string(value.integer);
    case FieldKind::kDecimal:
      return FormatScaled(value.mantissa, value.scale);
    case FieldKind::kMoney: {
      std::string text = FormatScaled(value.integer, rule.currency_exponent);
      return rule.currency.empty() ? text : text + " " + rule.currency;
    }
    case FieldKind::kDate:
      return value.days_ago >= 0 ? "days_ago(" + std::to_string(value.days_ago) + ")"
                                 : "date(" + Quote(value.text) + ")";
    case FieldKind::kEnum:
      return field.numeric_literals
                 ? std::to_string(value.integer)
                 : Quote(EnumValueName(field, static_cast<uint8_t>(value.integer)));
    case FieldKind::kBoolean:
      return value.integer != 0 ? "true" : "false";
    case FieldKind::kText:
      return Quote(value.text);
    case FieldKind::kRfmCell:
      return Quote(std::to_string(value.integer));
  }
  return "";
}

std::string ConditionText(const SegmentRule& rule, const SegmentCondition& condition) {
  if (condition.op == SegmentOp::kHasTag) {
    return "has_tag(" + Quote(condition.values[0].text) + ")";
  }
  const FieldInfo& field = *condition.field;
  std::string text = field.name;
  if (condition.op == SegmentOp::kIsTrue) {
    return text;
  }
  text += ' ';
  text += OperatorText(condition.op);
  text += ' ';
  if (IsList(condition.op)) {
    text += '(';
    for (size_t i = 0; i < condition.values.size(); ++i) {
      text += i == 0 ? "" : ", ";
      text += ValueText(rule, field, condition.values[i]);
    }
    text += ')';
  } else if (condition.op == SegmentOp::kBetween || condition.op == SegmentOp::kNotBetween) {
    text += ValueText(rule, field, condition.values[0]) + " and " +
            ValueText(rule, field, condition.values[1]);
  } else {
    text += ValueText(rule, field, condition.values[0]);
  }
  return text;
}

void AppendExpr(const SegmentRule& rule, const SegmentExpr& expr, std::string& out) {
  switch (expr.kind) {
    case Kind::kCondition:
      out += ConditionText(rule, expr.condition);
      return;
    case Kind::kNot: {
      const SegmentExpr& operand = expr.operands[0];
      const bool parenthesise = operand.kind == Kind::kAnd || operand.kind == Kind::kOr;
      out += parenthesise ? "not (" : "not ";
      AppendExpr(rule, operand, out);
      out += parenthesise ? ")" : "";
      return;
    }
    case Kind::kAnd:
    case Kind::kOr:
      for (size_t i = 0; i < expr.operands.size(); ++i) {
        const SegmentExpr& operand = expr.operands[i];
        // `and` binds tighter than `or`, so only an `or` inside an `and` needs parentheses.
        const bool parenthesise = expr.kind == Kind::kAnd && operand.kind == Kind::kOr;
        out += i == 0 ? "" : (expr.kind == Kind::kAnd ? " and " : " or ");
        out += parenthesise ? "(" : "";
        AppendExpr(rule, operand, out);
        out += parenthesise ? ")" : "";
      }
      return;
  }
}

void CollectFields(const SegmentExpr& expr, std::vector<std::string>& fields) {
  if (expr.kind == Kind::kCondition) {
    fields.emplace_back(expr.condition.field != nullptr ? expr.condition.field->name : "tags");
    return;
  }
  for (const SegmentExpr& operand : expr.operands) {
    CollectFields(operand, fields);
  }
}

void CheckContext(const SegmentContext& context) {
  if (!context.currency.empty() && !IsUpperCurrency(context.currency)) {
    throw std::invalid_argument("SegmentContext.currency must be empty or an upper-case ISO code");
  }
  if (context.currency_exponent < 0 || context.currency_exponent > 4) {
    throw std::invalid_argument("SegmentContext.currency_exponent must be 0 to 4");
  }
  // Years 1..9999 and then some: keeps today - days_ago(N) far from overflow.
  constexpr int64_t kMaxAbsoluteDay = 10'000'000;
  if (context.today && (*context.today < -kMaxAbsoluteDay || *context.today > kMaxAbsoluteDay)) {
    throw std::invalid_argument("SegmentContext.today is not a plausible day");
  }
}

}  // namespace

SegmentResult<SegmentRule> ParseSegmentRule(std::string_view text, const SegmentContext& context) {
  CheckContext(context);
  if (text.size() > kMaxRuleBytes) {
    return SegmentError{static_cast<int64_t>(kMaxRuleBytes) + 1,
                        "the rule is longer than " + std::to_string(kMaxRuleBytes) + " bytes"};
  }
  SegmentResult<SegmentRule> result = Parser(text, context).Parse();
  // Saved rules are stored in canonical form, which must parse again; it can be longer than
  // what was written (amounts gain decimals and currency), so it is held to the limit too.
  if (result.ok() && ToString(result.value()).size() > kMaxRuleBytes) {
    return SegmentError{1, "the rule is longer than " + std::to_string(kMaxRuleBytes) +
                               " bytes once written in canonical form"};
  }
  return result;
}

std::string ToString(const SegmentRule& rule) {
  std::string text;
  AppendExpr(rule, rule.root, text);
  return text;
}

std::vector<std::string> FieldsUsed(const SegmentRule& rule) {
  std::vector<std::string> fields;
  CollectFields(rule.root, fields);
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  return fields;
}

}  // namespace clienttier::campaign
