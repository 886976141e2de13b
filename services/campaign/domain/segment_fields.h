#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/campaign/domain/segment_member.h"

namespace clienttier::campaign {

// What a field holds, which decides the literals and operators it takes
// (services/campaign/README.md has the table).
enum class FieldKind : uint8_t {
  kInteger,  // counts and days: whole numbers
  kDecimal,  // p_alive, score: numbers with decimals, compared as doubles
  kMoney,    // integer minor units of the tenant currency
  kDate,     // a UTC day
  kEnum,     // one of a fixed list of names (city_tier: of numbers)
  kBoolean,  // churn_warning
  kText,     // free text
  kRfmCell,  // "545": three digits, stored as the number 545
};

// One value of an enum field. `number` is what the member stores.
struct EnumValue {
  const char* name;  // canonical spelling, "T1", "dormant", "18_24"
  uint8_t number;
};

struct FieldInfo {
  const char* name = "";  // lower case, as written in rules
  FieldKind kind = FieldKind::kInteger;
  // kInteger, kMoney, kDate and kRfmCell.
  int64_t SegmentMember::*integer = nullptr;
  // kDecimal.
  double SegmentMember::*decimal = nullptr;
  // kText.
  std::string SegmentMember::*text = nullptr;
  // kEnum and kBoolean: the member's value as its number. The enums are distinct types, so
  // one pointer-to-member type cannot reach them all.
  uint8_t (*small)(const SegmentMember&) = nullptr;
  // kEnum: the values other than "unspecified" (number 0, which every enum field also takes).
  std::vector<EnumValue> values;
  // kEnum: whether <, <=, >, >= and between apply, by `number` (T1 < T2, low < high).
  bool ordered = false;
  // kEnum: literals are numbers (city_tier = 2), not names in quotes.
  bool numeric_literals = false;
  // kText: compared exactly rather than ignoring ASCII case (client_id).
  bool case_sensitive = false;
};

// Every field a rule can name, in the order services/campaign/README.md lists them.
const std::vector<FieldInfo>& SegmentFields();

// By name, ignoring ASCII case; nullptr when there is none.
const FieldInfo* FindSegmentField(std::string_view name);

// The field name closest to a misspelt one (at most two edits away, and fewer than half its
// letters), or empty.
std::string SuggestSegmentField(std::string_view name);

// The value of an enum field named `name` (ASCII case ignored; "unspecified" is 0), or -1.
int FindEnumValue(const FieldInfo& field, std::string_view name);
// The canonical name of a value of an enum field; "unspecified" for 0.
std::string EnumValueName(const FieldInfo& field, uint8_t number);
// `"T1", "T2", "T3" or "unspecified"`: for error messages.
std::string DescribeEnumValues(const FieldInfo& field);

// "a whole number", "an amount of money", ...: for error messages.
const char* DescribeKind(FieldKind kind);

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);
std::string AsciiLowerCase(std::string_view text);

}  // namespace clienttier::campaign
