#include "services/campaign/domain/segment_fields.h"

#include <algorithm>
#include <utility>

namespace clienttier::campaign {
namespace {

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

FieldInfo Named(const char* name, FieldKind kind) {
  FieldInfo field;
  field.name = name;
  field.kind = kind;
  return field;
}

template <typename Value, Value SegmentMember::*kMember>
uint8_t ReadSmall(const SegmentMember& member) {
  return static_cast<uint8_t>(member.*kMember);
}

FieldInfo Integer(const char* name, int64_t SegmentMember::*member,
                  FieldKind kind = FieldKind::kInteger) {
  FieldInfo field = Named(name, kind);
  field.integer = member;
  return field;
}

FieldInfo Money(const char* name, int64_t SegmentMember::*member) {
  return Integer(name, member, FieldKind::kMoney);
}

FieldInfo Decimal(const char* name, double SegmentMember::*member) {
  FieldInfo field = Named(name, FieldKind::kDecimal);
  field.decimal = member;
  return field;
}

FieldInfo Text(const char* name, std::string SegmentMember::*member, bool case_sensitive) {
  FieldInfo field = Named(name, FieldKind::kText);
  field.text = member;
  field.case_sensitive = case_sensitive;
  return field;
}

enum class Order { kUnordered, kOrdered };

FieldInfo Enum(const char* name, uint8_t (*read)(const SegmentMember&),
               std::vector<EnumValue> values, Order order) {
  FieldInfo field = Named(name, FieldKind::kEnum);
  field.small = read;
  field.values = std::move(values);
  field.ordered = order == Order::kOrdered;
  return field;
}

std::vector<FieldInfo> BuildFields() {
  using M = SegmentMember;
  std::vector<FieldInfo> fields;
  fields.push_back(Text("client_id", &M::client_id, true));

  fields.push_back(Enum("tier", &ReadSmall<MemberTier, &M::tier>, {{"T1", 1}, {"T2", 2}, {"T3", 3}},
                        Order::kOrdered));
  fields.push_back(Enum("spend_tier", &ReadSmall<MemberSpendTier, &M::spend_tier>,
                        {{"none", 1}, {"basic", 2}, {"growth", 3}, {"premium", 4}},
                        Order::kOrdered));
  fields.push_back(Enum("lifecycle", &ReadSmall<MemberLifecycle, &M::lifecycle>,
                        {{"prospect", 1},
                         {"onboarding", 2},
                         {"growth", 3},
                         {"mature", 4},
                         {"dormant", 5},
                         {"churned", 6}},
                        Order::kUnordered));
  fields.push_back(Integer("r_score", &M::r_score));
  fields.push_back(Integer("f_score", &M::f_score));
  fields.push_back(Integer("m_score", &M::m_score));
  fields.push_back(Enum("rfm_segment", &ReadSmall<MemberRfmSegment, &M::rfm_segment>,
                        {{"champions", 1},
                         {"loyal", 2},
                         {"potential_loyalist", 3},
                         {"new", 4},
                         {"promising", 5},
                         {"need_attention", 6},
                         {"about_to_sleep", 7},
                         {"at_risk", 8},
                         {"cannot_lose", 9},
                         {"hibernating", 10},
                         {"lost", 11}},
                        Order::kUnordered));
  fields.push_back(Integer("rfm_cell", &M::rfm_cell, FieldKind::kRfmCell));
  fields.push_back(Integer("recency_days", &M::recency_days));
  fields.push_back(Integer("frequency", &M::frequency));
  fields.push_back(Money("monetary", &M::monetary_minor));
  fields.push_back(Money("clv_12m", &M::clv_12m_minor));
  fields.push_back(Decimal("p_alive", &M::p_alive));
  fields.push_back(Decimal("score", &M::score));
  fields.push_back(Enum("quadrant", &ReadSmall<MemberQuadrant, &M::quadrant>,
                        {{"star", 1}, {"cash_cow", 2}, {"question", 3}, {"dog", 4}},
                        Order::kUnordered));
  fields.push_back(Enum("need_depth", &ReadSmall<MemberNeedDepth, &M::need_depth>,
                        {{"none", 1}, {"light", 2}, {"moderate", 3}, {"deep", 4}},
                        Order::kOrdered));
  fields.push_back(Enum("propagation_tier", &ReadSmall<MemberPropagationTier, &M::propagation_tier>,
                        {{"silent", 1}, {"participant", 2}, {"contributor", 3}, {"spreader", 4}},
                        Order::kOrdered));
  fields.push_back(Integer("propagation_index", &M::propagation_index));
  FieldInfo churn_warning = Named("churn_warning", FieldKind::kBoolean);
  churn_warning.small = &ReadSmall<bool, &M::churn_warning>;
  fields.push_back(churn_warning);

  fields.push_back(Text("region", &M::region, false));
  FieldInfo city_tier = Enum("city_tier", &ReadSmall<MemberCityTier, &M::city_tier>,
                             {{"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}}, Order::kOrdered);
  city_tier.numeric_literals = true;
  fields.push_back(city_tier);
  fields.push_back(Enum("age_band", &ReadSmall<MemberAgeBand, &M::age_band>,
                        {{"under_18", 1},
                         {"18_24", 2},
                         {"25_34", 3},
                         {"35_44", 4},
                         {"45_54", 5},
                         {"55_64", 6},
                         {"65_plus", 7}},
                        Order::kOrdered));
  fields.push_back(Enum("gender", &ReadSmall<MemberGender, &M::gender>,
                        {{"female", 1}, {"male", 2}, {"non_binary", 3}, {"undisclosed", 4}},
                        Order::kUnordered));
  fields.push_back(Text("occupation", &M::occupation, false));
  fields.push_back(
      Enum("income_band", &ReadSmall<MemberIncomeBand, &M::income_band>,
           {{"low", 1}, {"lower_middle", 2}, {"middle", 3}, {"upper_middle", 4}, {"high", 5}},
           Order::kOrdered));
  fields.push_back(Text("acquisition_channel", &M::acquisition_channel, false));

  fields.push_back(Integer("purchases_30d", &M::purchases_30d));
  fields.push_back(Integer("purchases_90d", &M::purchases_90d));
  fields.push_back(Integer("purchases_365d", &M::purchases_365d));
  fields.push_back(Money("spend_30d", &M::spend_30d_minor));
  fields.push_back(Money("spend_90d", &M::spend_90d_minor));
  fields.push_back(Money("spend_365d", &M::spend_365d_minor));
  fields.push_back(Integer("sessions_90d", &M::sessions_90d));
  fields.push_back(Integer("days_since_login", &M::days_since_login));
  fields.push_back(Integer("lifetime_purchases", &M::lifetime_purchases));
  fields.push_back(Money("lifetime_spend", &M::lifetime_spend_minor));
  fields.push_back(Money("value_12m", &M::value_12m_minor));
  fields.push_back(Money("potential_12m", &M::potential_12m_minor));
  fields.push_back(Integer("client_since", &M::client_since, FieldKind::kDate));
  return fields;
}

// Levenshtein distance over ASCII-lowered letters; both words are short (a rule is at most
// a few kilobytes and field names are under 20 letters), so one row of the table suffices.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitution = diagonal + (LowerAscii(a[i - 1]) == LowerAscii(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<FieldInfo>& SegmentFields() {
  static const std::vector<FieldInfo> fields = BuildFields();
  return fields;
}

const FieldInfo* FindSegmentField(std::string_view name) {
  for (const FieldInfo& field : SegmentFields()) {
    if (EqualsIgnoringAsciiCase(field.name, name)) {
      return &field;
    }
  }
  return nullptr;
}

std::string SuggestSegmentField(std::string_view name) {
  // Long garbage would only cost time and never be close to a field name.
  constexpr size_t kLongestWorthComparing = 40;
  if (name.size() > kLongestWorthComparing) {
    return "";
  }
  std::string best;
  size_t best_distance = 3;
  for (const FieldInfo& field : SegmentFields()) {
    const size_t distance = EditDistance(name, field.name);
    if (distance < best_distance && distance * 2 < name.size()) {
      best = field.name;
      best_distance = distance;
    }
  }
  return best;
}

int FindEnumValue(const FieldInfo& field, std::string_view name) {
  if (EqualsIgnoringAsciiCase(name, "unspecified")) {
    return 0;
  }
  for (const EnumValue& value : field.values) {
    if (EqualsIgnoringAsciiCase(value.name, name)) {
      return value.number;
    }
  }
  return -1;
}

std::string EnumValueName(const FieldInfo& field, uint8_t number) {
  for (const EnumValue& value : field.values) {
    if (value.number == number) {
      return value.name;
    }
  }
  return "unspecified";
}

std::string DescribeEnumValues(const FieldInfo& field) {
  std::string text;
  for (const EnumValue& value : field.values) {
    text += field.numeric_literals ? std::string(value.name) : '"' + std::string(value.name) + '"';
    text += ", ";
  }
  text += field.numeric_literals ? "or 0 for unspecified" : "or \"unspecified\"";
  return text;
}

const char* DescribeKind(FieldKind kind) {
  switch (kind) {
    case FieldKind::kInteger:
      return "a whole number";
    case FieldKind::kDecimal:
      return "a number";
    case FieldKind::kMoney:
      return "an amount of money";
    case FieldKind::kDate:
      return "a date";
    case FieldKind::kEnum:
      return "one of a list of values";
    case FieldKind::kBoolean:
      return "true or false";
    case FieldKind::kText:
      return "text";
    case FieldKind::kRfmCell:
      return "an RFM cell";
  }
  return "a value";
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

std::string AsciiLowerCase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), LowerAscii);
  return lower;
}

}  // namespace clienttier::campaign
