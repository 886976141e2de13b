#include "services/campaign/domain/segment_program.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace clienttier::campaign {
namespace {

constexpr int64_t kMinInteger = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxInteger = std::numeric_limits<int64_t>::max();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsFolded(const std::string& member_text, const std::string& lower_literal) {
  if (member_text.size() != lower_literal.size()) {
    return false;
  }
  for (size_t i = 0; i < member_text.size(); ++i) {
    if (LowerAscii(member_text[i]) != lower_literal[i]) {
      return false;
    }
  }
  return true;
}

// The inclusive range an ordering comparison accepts. `value` comes from a literal, whose
// magnitude is at most INT64_MAX, so value - 1 never underflows; > INT64_MAX accepts nothing.
std::pair<int64_t, int64_t> IntegerRange(SegmentOp op, int64_t value) {
  switch (op) {
    case SegmentOp::kLess:
      return {kMinInteger, value == kMinInteger ? kMinInteger : value - 1};
    case SegmentOp::kLessOrEqual:
      return {kMinInteger, value};
    case SegmentOp::kGreater:
      return value == kMaxInteger ? std::make_pair(int64_t{1}, int64_t{0})
                                  : std::make_pair(value + 1, kMaxInteger);
    case SegmentOp::kGreaterOrEqual:
      return {value, kMaxInteger};
    default:
      return {value, value};
  }
}

// Strict bounds become the neighbouring double, which is exact for every non-NaN value.
std::pair<double, double> DecimalRange(SegmentOp op, double value) {
  switch (op) {
    case SegmentOp::kLess:
      return {-kInfinity, std::nextafter(value, -kInfinity)};
    case SegmentOp::kLessOrEqual:
      return {-kInfinity, value};
    case SegmentOp::kGreater:
      return {std::nextafter(value, kInfinity), kInfinity};
    case SegmentOp::kGreaterOrEqual:
      return {value, kInfinity};
    default:
      return {value, value};
  }
}

// The values of an enum field an ordering comparison accepts; "unspecified" (0) never.
uint64_t OrderedMask(const FieldInfo& field, SegmentOp op, int64_t low, int64_t high) {
  uint64_t mask = 0;
  for (const EnumValue& value : field.values) {
    const int64_t number = value.number;
    bool accepted = false;
    switch (op) {
      case SegmentOp::kLess:
        accepted = number < low;
        break;
      case SegmentOp::kLessOrEqual:
        accepted = number <= low;
        break;
      case SegmentOp::kGreater:
        accepted = number > low;
        break;
      case SegmentOp::kGreaterOrEqual:
        accepted = number >= low;
        break;
      default:  // between
        accepted = number >= low && number <= high;
        break;
    }
    mask |= accepted ? uint64_t{1} << number : 0;
  }
  return mask;
}

bool Negates(SegmentOp op) {
  return op == SegmentOp::kNotEqual || op == SegmentOp::kNotIn || op == SegmentOp::kNotBetween;
}

}  // namespace

// Emits the jump code. Generate(expr, on_true, on_false) returns the instruction to start
// `expr` at, given where to go after it; an and/or is built from its last operand back, so
// each operand's continuation already exists when the operand is emitted.
class SegmentProgram::Builder {
 public:
  Builder(SegmentProgram& program, const SensitiveTagGate& gate) : program_(program), gate_(gate) {}

  int32_t Generate(const SegmentExpr& expr, int32_t on_true, int32_t on_false) {
    switch (expr.kind) {
      case SegmentExpr::Kind::kCondition:
        return Emit(expr.condition, on_true, on_false);
      case SegmentExpr::Kind::kNot:
        return Generate(expr.operands[0], on_false, on_true);
      case SegmentExpr::Kind::kAnd:
      case SegmentExpr::Kind::kOr: {
        const bool is_and = expr.kind == SegmentExpr::Kind::kAnd;
        int32_t next = is_and ? on_true : on_false;
        for (auto operand = expr.operands.rbegin(); operand != expr.operands.rend(); ++operand) {
          next = is_and ? Generate(*operand, next, on_false) : Generate(*operand, on_true, next);
        }
        return next;
      }
    }
    return on_false;
  }

 private:
  int32_t Emit(const SegmentCondition& condition, int32_t on_true, int32_t on_false) {
    Instruction instruction = Translate(condition);
    if (Negates(condition.op)) {
      std::swap(on_true, on_false);
    }
    instruction.on_true = on_true;
    instruction.on_false = on_false;
    program_.code_.push_back(instruction);
    return static_cast<int32_t>(program_.code_.size() - 1);
  }

  Instruction Translate(const SegmentCondition& condition) {
    Instruction instruction;
    const std::vector<SegmentValue>& values = condition.values;
    if (condition.op == SegmentOp::kHasTag) {
      const bool sensitive =
          std::binary_search(gate_.tags.begin(), gate_.tags.end(), values.front().text);
      instruction.test = sensitive ? Test::kHasSensitiveTag : Test::kHasTag;
      instruction.mask = sensitive ? gate_.consent_mask : 0;
      AddTexts(instruction, values, false);
      return instruction;
    }
    const FieldInfo& field = *condition.field;
    const SegmentOp op = condition.op;
    const bool list = op == SegmentOp::kIn || op == SegmentOp::kNotIn;
    const bool between = op == SegmentOp::kBetween || op == SegmentOp::kNotBetween;
    switch (field.kind) {
      case FieldKind::kInteger:
      case FieldKind::kDate:
      case FieldKind::kRfmCell:
      case FieldKind::kMoney: {
        const bool money = field.kind == FieldKind::kMoney;
        instruction.integer = field.integer;
        if (list && values.size() > 1) {
          instruction.test = money ? Test::kMoneySet : Test::kIntegerSet;
          instruction.first = static_cast<uint32_t>(program_.integers_.size());
          instruction.count = static_cast<uint32_t>(values.size());
          for (const SegmentValue& value : values) {
            program_.integers_.push_back(value.integer);  // sorted by the parser
          }
          return instruction;
        }
        instruction.test = money ? Test::kMoneyRange : Test::kIntegerRange;
        const auto [low, high] = between ? std::make_pair(values[0].integer, values[1].integer)
                                         : IntegerRange(op, values[0].integer);
        instruction.low = low;
        instruction.high = high;
        return instruction;
      }
      case FieldKind::kDecimal: {
        instruction.test = Test::kDecimalRange;
        instruction.decimal = field.decimal;
        const auto [low, high] = between ? std::make_pair(values[0].decimal, values[1].decimal)
                                         : DecimalRange(op, values[0].decimal);
        instruction.low_decimal = low;
        instruction.high_decimal = high;
        return instruction;
      }
      case FieldKind::kEnum:
      case FieldKind::kBoolean: {
        instruction.test = Test::kSmallMask;
        instruction.small = field.small;
        if (op == SegmentOp::kIsTrue) {
          instruction.mask = uint64_t{1} << 1;
        } else if (between || (op != SegmentOp::kEqual && op != SegmentOp::kNotEqual && !list)) {
          instruction.mask =
              OrderedMask(field, op, values[0].integer, between ? values[1].integer : 0);
        } else {
          for (const SegmentValue& value : values) {
            instruction.mask |= uint64_t{1} << value.integer;
          }
        }
        return instruction;
      }
      case FieldKind::kText:
        instruction.test = field.case_sensitive ? Test::kTextSet : Test::kFoldedTextSet;
        instruction.text = field.text;
        AddTexts(instruction, values, !field.case_sensitive);
        return instruction;
    }
    return instruction;
  }

  void AddTexts(Instruction& instruction, const std::vector<SegmentValue>& values, bool fold) {
    instruction.first = static_cast<uint32_t>(program_.texts_.size());
    instruction.count = static_cast<uint32_t>(values.size());
    for (const SegmentValue& value : values) {
      program_.texts_.push_back(fold ? AsciiLowerCase(value.text) : value.text);
    }
  }

  SegmentProgram& program_;
  const SensitiveTagGate& gate_;
};

SegmentProgram SegmentProgram::Compile(const SegmentRule& rule, const SensitiveTagGate& gate) {
  SegmentProgram program;
  if (rule.currency.size() == program.currency_.size()) {
    std::copy(rule.currency.begin(), rule.currency.end(), program.currency_.begin());
    program.check_currency_ = true;
  }
  Builder builder(program, gate);
  const int32_t entry = builder.Generate(rule.root, kAccept, kReject);
  // Emitted back to front; reversed, the entry is first and jumps mostly go forward.
  std::vector<Instruction>& code = program.code_;
  std::reverse(code.begin(), code.end());
  const auto last = static_cast<int32_t>(code.size()) - 1;
  const auto remap = [last](int32_t target) { return target < 0 ? target : last - target; };
  for (Instruction& instruction : code) {
    instruction.on_true = remap(instruction.on_true);
    instruction.on_false = remap(instruction.on_false);
  }
  program.entry_ = remap(entry);
  return program;
}

bool SegmentProgram::Matches(const SegmentMember& member) const {
  int32_t next = entry_;
  while (next >= 0) {
    const Instruction& instruction = code_[static_cast<size_t>(next)];
    next = Holds(instruction, member) ? instruction.on_true : instruction.on_false;
  }
  return next == kAccept;
}

bool SegmentProgram::Holds(const Instruction& instruction, const SegmentMember& member) const {
  switch (instruction.test) {
    case Test::kMoneyRange:
      if (check_currency_ && member.currency != currency_) {
        return false;
      }
      [[fallthrough]];
    case Test::kIntegerRange: {
      const int64_t value = member.*instruction.integer;
      return value >= instruction.low && value <= instruction.high;
    }
    case Test::kMoneySet:
      if (check_currency_ && member.currency != currency_) {
        return false;
      }
      [[fallthrough]];
    case Test::kIntegerSet: {
      const auto first = integers_.begin() + instruction.first;
      return std::binary_search(first, first + instruction.count, member.*instruction.integer);
    }
    case Test::kDecimalRange: {
      // NaN fails both comparisons, so it matches no range.
      const double value = member.*instruction.decimal;
      return value >= instruction.low_decimal && value <= instruction.high_decimal;
    }
    case Test::kSmallMask: {
      const uint8_t value = instruction.small(member);
      return value < 64 && ((instruction.mask >> value) & 1) != 0;
    }
    case Test::kTextSet: {
      const std::string& value = member.*instruction.text;
      const auto first = texts_.begin() + instruction.first;
      return std::find(first, first + instruction.count, value) != first + instruction.count;
    }
    case Test::kFoldedTextSet: {
      const std::string& value = member.*instruction.text;
      const auto first = texts_.begin() + instruction.first;
      return std::any_of(first, first + instruction.count, [&value](const std::string& literal) {
        return EqualsFolded(value, literal);
      });
    }
    case Test::kHasTag: {
      const std::string& tag = texts_[instruction.first];
      return std::find(member.tags.begin(), member.tags.end(), tag) != member.tags.end();
    }
    case Test::kHasSensitiveTag: {
      if ((member.sensitive_consents & instruction.mask) == 0) {
        return false;
      }
      const std::string& tag = texts_[instruction.first];
      return std::find(member.tags.begin(), member.tags.end(), tag) != member.tags.end() ||
             std::find(member.concern_tags.begin(), member.concern_tags.end(), tag) !=
                 member.concern_tags.end();
    }
  }
  return false;
}

}  // namespace clienttier::campaign
