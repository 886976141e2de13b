// libFuzzer target for the segment rule language (scripts/fuzz-segments.sh builds and runs it).
//
// For any input: parsing returns a rule or an error pointing inside the input (or just past
// its end) with a UTF-8 message. For a rule: its canonical text parses again to the same
// canonical text and the same fields, and both compiled programs agree on a set of members
// that includes extremes (NaN, INT64 limits, enum numbers outside the tables, another
// currency). Any violation aborts, which libFuzzer reports as a crash.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "services/campaign/domain/segment_parser.h"
#include "services/campaign/domain/segment_program.h"

namespace {

using clienttier::campaign::FieldsUsed;
using clienttier::campaign::ParseSegmentRule;
using clienttier::campaign::SegmentContext;
using clienttier::campaign::SegmentMember;
using clienttier::campaign::SegmentProgram;
using clienttier::campaign::SegmentResult;
using clienttier::campaign::SegmentRule;
using clienttier::campaign::ToString;

[[noreturn]] void Fail(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "segment fuzz: %s\ninput: %.*s\ndetail: %s\n", what,
               static_cast<int>(input.size()), input.data(), detail.c_str());
  std::abort();
}

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    } else if (lead >= 0x80) {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

SegmentContext Context() {
  SegmentContext context;
  context.currency = "CNY";
  context.today = 20'000;
  return context;
}

std::vector<SegmentMember> Members() {
  using clienttier::campaign::MemberLifecycle;
  using clienttier::campaign::MemberTier;
  std::vector<SegmentMember> members(4);
  SegmentMember& typical = members[1];
  typical.tier = MemberTier::kT1;
  typical.lifecycle = MemberLifecycle::kDormant;
  typical.clv_12m_minor = 500'000;
  typical.frequency = 3;
  typical.p_alive = 0.5;
  typical.region = "Shanghai";
  typical.client_id = "c-1";
  typical.tags = {"parenting"};
  typical.currency = {'C', 'N', 'Y'};
  typical.client_since = 19'000;
  SegmentMember& high = members[2];
  high.clv_12m_minor = std::numeric_limits<int64_t>::max();
  high.frequency = std::numeric_limits<int64_t>::max();
  high.recency_days = std::numeric_limits<int64_t>::min();
  high.p_alive = std::numeric_limits<double>::quiet_NaN();
  high.score = std::numeric_limits<double>::infinity();
  high.tier = static_cast<MemberTier>(255);
  high.lifecycle = static_cast<MemberLifecycle>(64);
  high.currency = {'C', 'N', 'Y'};
  SegmentMember& foreign = members[3];
  foreign = typical;
  foreign.currency = {'U', 'S', 'D'};
  foreign.region = "";
  foreign.tags.clear();
  return members;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const SegmentContext context = Context();
  static const std::vector<SegmentMember> members = Members();

  const SegmentResult<SegmentRule> parsed = ParseSegmentRule(input, context);
  if (!parsed.ok()) {
    const auto& error = parsed.error();
    if (error.position < 1 || error.position > static_cast<int64_t>(size) + 1) {
      Fail("error position outside the input", input, error.ToString());
    }
    if (error.message.empty() || !IsUtf8(error.message)) {
      Fail("error message empty or not UTF-8", input, error.ToString());
    }
    return 0;
  }

  const std::string canonical = ToString(parsed.value());
  const SegmentResult<SegmentRule> reparsed = ParseSegmentRule(canonical, context);
  if (!reparsed.ok()) {
    Fail("canonical form does not parse", input, canonical + " -> " + reparsed.error().ToString());
  }
  if (ToString(reparsed.value()) != canonical) {
    Fail("canonical form is not stable", input, canonical + " -> " + ToString(reparsed.value()));
  }
  if (FieldsUsed(reparsed.value()) != FieldsUsed(parsed.value())) {
    Fail("canonical form reads other fields", input, canonical);
  }

  const SegmentProgram original = SegmentProgram::Compile(parsed.value());
  const SegmentProgram normalised = SegmentProgram::Compile(reparsed.value());
  for (const SegmentMember& member : members) {
    if (original.Matches(member) != normalised.Matches(member)) {
      Fail("canonical form matches differently", input, canonical);
    }
  }
  return 0;
}
