#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/campaign/domain/segment_ast.h"

namespace clienttier::campaign {

// Bounds on what a rule may cost to parse, keep and evaluate, whoever sends it. Nesting counts
// open parentheses and `not`s together: it bounds the parser's recursion and the tree's depth.
inline constexpr size_t kMaxRuleBytes = 4096;
inline constexpr int kMaxNesting = 32;
inline constexpr int kMaxConditions = 64;  // comparisons and has_tag(...)
inline constexpr size_t kMaxListValues = 100;
// days_ago(N) reaches back at most this far (about a century).
inline constexpr int64_t kMaxDaysAgo = 36'500;

// The tenant facts a rule's values are resolved against.
struct SegmentContext {
  // ISO 4217 code in upper case ("CNY"), or empty when unknown: then only plain numbers are
  // accepted for money, and members are not checked for their currency.
  std::string currency;
  // Decimals of the currency: a plain 5000 means 5000 * 10^exponent minor units. 0 to 4.
  int currency_exponent = 2;
  // Today as a UTC day (days since 1970-01-01), for days_ago(N); without it days_ago is an
  // error. A rule using it is compiled afresh for each run.
  std::optional<int64_t> today;
};

// Parses and type-checks a rule (grammar and fields: services/campaign/README.md). Every problem a rule
// can have is found here, never during evaluation. Throws std::invalid_argument for a context
// outside the documented ranges (a caller's bug, not the rule's).
SegmentResult<SegmentRule> ParseSegmentRule(std::string_view text, const SegmentContext& context);

// The canonical text of a rule: lower-case keywords and field names, canonical value
// spellings, `in` lists sorted and without duplicates, nested and/or flattened and only the
// parentheses precedence needs. Parsing it gives a rule with the same canonical text, so
// saved rules can be normalised and compared.
std::string ToString(const SegmentRule& rule);

// The fields a rule reads, sorted, each once; has_tag reads "tags".
std::vector<std::string> FieldsUsed(const SegmentRule& rule);

// The error as the RPC layer reports it: INVALID_ARGUMENT "rule: at 17: expected ...".
inline DomainError AsInvalidArgument(const SegmentError& error) {
  return InvalidArgument("rule", error.ToString());
}

}  // namespace clienttier::campaign
