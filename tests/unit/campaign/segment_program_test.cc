#include "services/campaign/domain/segment_program.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "services/campaign/domain/segment_parser.h"

// Counts heap allocations, so a test can show that evaluation makes none.
namespace {
std::atomic<int64_t> g_allocations{0};
}  // namespace

// Out of line, or GCC pairs the inlined free() with the library's new and warns.
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(size == 0 ? 1 : size)) {
    return memory;
  }
  throw std::bad_alloc();
}
// std::stable_sort's buffer comes from the nothrow form; it must pair with the delete below.
[[gnu::noinline]] void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
[[gnu::noinline]] void operator delete(void* memory) noexcept { std::free(memory); }
[[gnu::noinline]] void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace clienttier::campaign {
namespace {

constexpr int64_t kToday = 20'000;  // 2024-10-04

SegmentContext Cny() {
  SegmentContext context;
  context.currency = "CNY";
  context.today = kToday;
  return context;
}

// A client with a distinct value in every field the tests read.
SegmentMember Sample() {
  SegmentMember member;
  member.client_id = "C-1001";
  member.tier = MemberTier::kT2;
  member.spend_tier = MemberSpendTier::kGrowth;
  member.lifecycle = MemberLifecycle::kDormant;
  member.r_score = 4;
  member.f_score = 3;
  member.m_score = 5;
  member.rfm_segment = MemberRfmSegment::kLoyal;
  member.rfm_cell = 435;
  member.recency_days = 40;
  member.frequency = 6;
  member.monetary_minor = 123'456;
  member.clv_12m_minor = 500'000;
  member.p_alive = 0.5;
  member.score = 73.25;
  member.quadrant = MemberQuadrant::kStar;
  member.need_depth = MemberNeedDepth::kModerate;
  member.propagation_tier = MemberPropagationTier::kContributor;
  member.propagation_index = 60;
  member.churn_warning = false;
  member.region = "Shanghai";
  member.city_tier = MemberCityTier::kTier1;
  member.age_band = MemberAgeBand::k35To44;
  member.gender = MemberGender::kFemale;
  member.occupation = "Teacher";
  member.income_band = MemberIncomeBand::kUpperMiddle;
  member.tags = {"anxiety", "parenting"};
  member.acquisition_channel = "referral";
  member.purchases_30d = 1;
  member.purchases_90d = 3;
  member.purchases_365d = 10;
  member.spend_30d_minor = 10'000;
  member.spend_90d_minor = 30'000;
  member.spend_365d_minor = 120'000;
  member.sessions_90d = 2;
  member.days_since_login = 5;
  member.lifetime_purchases = 25;
  member.lifetime_spend_minor = 900'000;
  member.value_12m_minor = 120'000;
  member.potential_12m_minor = -5'000;
  member.client_since = 19'523;  // 2023-06-15
  member.currency = {'C', 'N', 'Y'};
  return member;
}

SegmentProgram Compiled(std::string_view rule, const SegmentContext& context = Cny()) {
  const SegmentResult<SegmentRule> result = ParseSegmentRule(rule, context);
  EXPECT_TRUE(result.ok()) << rule << ": " << result.error().ToString();
  return result.ok() ? SegmentProgram::Compile(result.value()) : SegmentProgram();
}

bool Match(std::string_view rule, const SegmentMember& member = Sample(),
           const SegmentContext& context = Cny()) {
  return Compiled(rule, context).Matches(member);
}

struct Case {
  const char* rule;
  bool matches;
};

void ExpectAll(const std::vector<Case>& cases, const SegmentMember& member = Sample(),
               const SegmentContext& context = Cny()) {
  for (const Case& c : cases) {
    EXPECT_EQ(Match(c.rule, member, context), c.matches) << c.rule;
  }
}

TEST(SegmentProgramTest, WholeNumberOperators) {  // frequency = 6
  ExpectAll({{"frequency = 6", true},
             {"frequency = 5", false},
             {"frequency != 6", false},
             {"frequency != 5", true},
             {"frequency < 6", false},
             {"frequency < 7", true},
             {"frequency <= 6", true},
             {"frequency <= 5", false},
             {"frequency > 6", false},
             {"frequency > 5", true},
             {"frequency >= 6", true},
             {"frequency >= 7", false},
             {"frequency in (6)", true},
             {"frequency in (1, 6, 9)", true},
             {"frequency in (1, 5, 7, 9)", false},
             {"frequency not in (1, 6)", false},
             {"frequency not in (1, 9)", true},
             {"frequency between 6 and 6", true},
             {"frequency between 1 and 6", true},
             {"frequency between 6 and 9", true},
             {"frequency between 7 and 9", false},
             {"frequency between 1 and 5", false},
             {"frequency not between 1 and 5", true},
             {"frequency not between 6 and 9", false},
             {"recency_days between -5 and 40", true},
             {"days_since_login in (5, 6)", true}});
}

TEST(SegmentProgramTest, WholeNumbersAtTheEndsOfTheRange) {
  SegmentMember member = Sample();
  member.lifetime_purchases = std::numeric_limits<int64_t>::max();
  member.recency_days = -1;
  ExpectAll({{"lifetime_purchases > 9223372036854775806", true},
             {"lifetime_purchases > 9223372036854775807", false},
             {"lifetime_purchases >= 9223372036854775807", true},
             {"lifetime_purchases != 9223372036854775807", false},
             {"recency_days < 0", true},
             {"recency_days = -1", true},
             {"recency_days < -9223372036854775807", false}},
            member);
}

TEST(SegmentProgramTest, EveryWholeNumberFieldReadsItsValue) {
  ExpectAll({{"r_score = 4", true},
             {"f_score = 3", true},
             {"m_score = 5", true},
             {"recency_days = 40", true},
             {"propagation_index = 60", true},
             {"purchases_30d = 1", true},
             {"purchases_90d = 3", true},
             {"purchases_365d = 10", true},
             {"sessions_90d = 2", true},
             {"days_since_login = 5", true},
             {"lifetime_purchases = 25", true}});
}

TEST(SegmentProgramTest, MoneyIsComparedExactlyInMinorUnits) {  // clv_12m = 5000.00 CNY
  ExpectAll({{"clv_12m >= 5000", true},
             {"clv_12m > 5000", false},
             {"clv_12m >= 5000.01", false},
             {"clv_12m = 5000.00 CNY", true},
             {"clv_12m = 5000.0", true},
             {"clv_12m < 5000.01", true},
             {"clv_12m <= 4999.99", false},
             {"clv_12m != 5000", false},
             {"clv_12m in (1, 5000)", true},
             {"clv_12m not in (1, 5000)", false},
             {"clv_12m between 4999.99 and 5000", true},
             {"clv_12m not between 0 and 4999.99", true},
             {"monetary = 1234.56", true},
             {"monetary = 1234.5", false},
             {"spend_30d = 100", true},
             {"spend_90d = 300", true},
             {"spend_365d = 1200", true},
             {"lifetime_spend = 9000", true},
             {"value_12m = 1200", true},
             {"potential_12m = -50", true},
             {"potential_12m < 0", true},
             {"potential_12m between -50.01 and -49.99", true}});
  SegmentMember cent_more = Sample();
  cent_more.clv_12m_minor = 500'001;
  ExpectAll({{"clv_12m > 5000", true}, {"clv_12m = 5000.01", true}, {"clv_12m < 5000.01", false}},
            cent_more);
  SegmentMember huge = Sample();
  huge.lifetime_spend_minor = std::numeric_limits<int64_t>::max();
  ExpectAll({{"lifetime_spend >= 92233720368547758.07", true},
             {"lifetime_spend > 92233720368547758.06", true}},
            huge);
}

TEST(SegmentProgramTest, MoneyFollowsTheCurrencyExponent) {
  SegmentContext yen;
  yen.currency = "JPY";
  yen.currency_exponent = 0;
  SegmentMember member = Sample();
  member.currency = {'J', 'P', 'Y'};
  member.clv_12m_minor = 5000;
  ExpectAll({{"clv_12m = 5000", true}, {"clv_12m = 5000 JPY", true}, {"clv_12m > 4999", true}},
            member, yen);
  SegmentContext dinar;
  dinar.currency = "KWD";
  dinar.currency_exponent = 3;
  member.currency = {'K', 'W', 'D'};
  member.clv_12m_minor = 5'000'001;
  ExpectAll({{"clv_12m = 5000.001", true}, {"clv_12m > 5000", true}, {"clv_12m = 5000", false}},
            member, dinar);
}

TEST(SegmentProgramTest, MembersInAnotherCurrencyMatchNoMoneyComparison) {
  SegmentMember dollars = Sample();
  dollars.currency = {'U', 'S', 'D'};
  ExpectAll({{"clv_12m >= 0", false},
             {"clv_12m in (5000, 1)", false},
             {"not clv_12m >= 0", true},
             {"clv_12m != 1", true},
             {"frequency = 6", true}},
            dollars);
  // Without a tenant currency there is nothing to check against.
  EXPECT_TRUE(Match("clv_12m >= 0", dollars, SegmentContext{}));
}

TEST(SegmentProgramTest, DecimalOperators) {  // p_alive = 0.5, score = 73.25
  ExpectAll({{"p_alive = 0.5", true},
             {"p_alive = 0.50", true},
             {"p_alive != 0.5", false},
             {"p_alive < 0.5", false},
             {"p_alive <= 0.5", true},
             {"p_alive > 0.5", false},
             {"p_alive >= 0.5", true},
             {"p_alive between 0.5 and 0.6", true},
             {"p_alive between 0.4 and 0.5", true},
             {"p_alive between 0.51 and 1", false},
             {"p_alive not between 0.51 and 1", true},
             {"score > 73.2", true},
             {"score >= 73.26", false},
             {"score = 73.25", true}});
}

TEST(SegmentProgramTest, DecimalsAreTheNearestDoubleWithoutTolerance) {
  SegmentMember member = Sample();
  member.p_alive = 0.1;
  EXPECT_TRUE(Match("p_alive = 0.1", member));
  member.p_alive = 0.1 + 0.2;  // 0.30000000000000004
  EXPECT_FALSE(Match("p_alive = 0.3", member));
  EXPECT_TRUE(Match("p_alive > 0.3", member));
  // A strict bound is exactly the neighbouring double.
  member.p_alive = std::nextafter(0.5, 0.0);
  EXPECT_TRUE(Match("p_alive < 0.5", member));
  member.p_alive = std::nextafter(0.5, 1.0);
  EXPECT_TRUE(Match("p_alive > 0.5", member));
  EXPECT_FALSE(Match("p_alive <= 0.5", member));
}

TEST(SegmentProgramTest, NotANumberMatchesNoComparison) {
  SegmentMember member = Sample();
  member.p_alive = std::numeric_limits<double>::quiet_NaN();
  ExpectAll({{"p_alive >= 0", false},
             {"p_alive < 2", false},
             {"p_alive between 0 and 1", false},
             {"p_alive != 0.5", true}},
            member);
}

TEST(SegmentProgramTest, EnumEqualityAndLists) {  // tier = T2
  ExpectAll({{"tier = \"T2\"", true},
             {"tier = \"t2\"", true},
             {"tier != \"T2\"", false},
             {"tier in (\"T1\", \"T2\")", true},
             {"tier in (\"T1\", \"T3\")", false},
             {"tier not in (\"T1\", \"T3\")", true},
             {"lifecycle = \"dormant\"", true},
             {"lifecycle != \"Dormant\"", false},
             {"rfm_segment = \"loyal\"", true},
             {"rfm_segment in (\"lost\", \"new\")", false},
             {"quadrant = \"star\"", true},
             {"gender = \"FEMALE\"", true},
             {"spend_tier = \"growth\"", true},
             {"need_depth = \"moderate\"", true},
             {"propagation_tier = \"contributor\"", true},
             {"city_tier = 1", true},
             {"age_band = \"35_44\"", true},
             {"income_band = \"upper_middle\"", true}});
}

TEST(SegmentProgramTest, OrderedEnums) {
  ExpectAll({{"tier <= \"T2\"", true},
             {"tier < \"T2\"", false},
             {"tier < \"T3\"", true},
             {"tier > \"T1\"", true},
             {"tier >= \"T3\"", false},
             {"tier between \"T1\" and \"T2\"", true},
             {"tier not between \"T1\" and \"T2\"", false},
             {"spend_tier >= \"growth\"", true},
             {"spend_tier > \"growth\"", false},
             {"need_depth >= \"deep\"", false},
             {"need_depth > \"light\"", true},
             {"propagation_tier between \"participant\" and \"contributor\"", true},
             {"age_band >= \"35_44\"", true},
             {"age_band < \"35_44\"", false},
             {"income_band < \"upper_middle\"", false},
             {"income_band <= \"upper_middle\"", true},
             {"city_tier <= 2", true},
             {"city_tier > 1", false},
             {"city_tier between 1 and 4", true}});
}

TEST(SegmentProgramTest, UnspecifiedEnumsMatchOnlyByName) {
  SegmentMember member = Sample();
  member.tier = MemberTier::kUnspecified;
  member.city_tier = MemberCityTier::kUnspecified;
  ExpectAll({{"tier <= \"T3\"", false},
             {"tier >= \"T1\"", false},
             {"tier between \"T1\" and \"T3\"", false},
             {"tier = \"unspecified\"", true},
             {"tier != \"T1\"", true},  // plain negation includes the unknown
             {"tier in (\"unspecified\", \"T1\")", true},
             {"city_tier < 4", false},
             {"city_tier = 0", true}},
            member);
}

TEST(SegmentProgramTest, EnumValuesOutsideTheTableNeverMatch) {
  SegmentMember member = Sample();
  // 66 and 69 are 2 and 5 (T2, dormant) modulo 64: a shift without the range check would
  // wrap onto an accepted bit.
  member.tier = static_cast<MemberTier>(66);
  member.lifecycle = static_cast<MemberLifecycle>(69);
  ExpectAll({{"tier in (\"T1\", \"T2\", \"T3\", \"unspecified\")", false},
             {"tier != \"T1\"", true},
             {"lifecycle = \"dormant\"", false}},
            member);
}

TEST(SegmentProgramTest, Booleans) {
  SegmentMember member = Sample();
  ExpectAll({{"churn_warning", false},
             {"not churn_warning", true},
             {"churn_warning = false", true},
             {"churn_warning = true", false},
             {"churn_warning != true", true}},
            member);
  member.churn_warning = true;
  ExpectAll({{"churn_warning", true},
             {"not churn_warning", false},
             {"churn_warning = true", true},
             {"churn_warning != false", true}},
            member);
}

TEST(SegmentProgramTest, TextIgnoresAsciiCaseExceptClientId) {
  ExpectAll({{"region = \"shanghai\"", true},
             {"region = \"SHANGHAI\"", true},
             {"region = \"Shang\"", false},
             {"region = \"Shanghai \"", false},
             {"region != \"shanghai\"", false},
             {"region in (\"Beijing\", \"shanghai\")", true},
             {"region not in (\"beijing\")", true},
             {"occupation = \"teacher\"", true},
             {"acquisition_channel in (\"Referral\", \"search_ads\")", true},
             {"client_id = \"C-1001\"", true},
             {"client_id = \"c-1001\"", false},
             {"client_id in (\"c-1001\", \"C-1001\")", true}});
  SegmentMember member = Sample();
  member.region = "";
  member.occupation = "上海 Office";
  ExpectAll({{"region = \"\"", true},
             {"region != \"\"", false},
             {"occupation = \"上海 office\"", true},
             {"occupation = \"上海\"", false}},
            member);
}

TEST(SegmentProgramTest, RfmCells) {
  ExpectAll({{"rfm_cell = \"435\"", true},
             {"rfm_cell in (\"435\", \"555\")", true},
             {"rfm_cell != \"435\"", false},
             {"rfm_cell = \"534\"", false}});
  SegmentMember no_purchase = Sample();
  no_purchase.rfm_cell = 0;
  EXPECT_TRUE(Match("rfm_cell not in (\"111\", \"555\")", no_purchase));
}

TEST(SegmentProgramTest, Dates) {  // client_since = 2023-06-15, today = 2024-10-04
  ExpectAll({{"client_since = date(\"2023-06-15\")", true},
             {"client_since >= date(\"2023-06-16\")", false},
             {"client_since < date(\"2023-06-16\")", true},
             {"client_since between date(\"2023-01-01\") and date(\"2023-06-15\")", true},
             {"client_since not between date(\"2023-06-16\") and days_ago(0)", true},
             {"client_since in (date(\"2023-06-15\"), date(\"2024-01-01\"))", true}});
  SegmentMember recent = Sample();
  recent.client_since = kToday - 30;
  ExpectAll({{"client_since >= days_ago(30)", true},
             {"client_since >= days_ago(29)", false},
             {"client_since = days_ago(30)", true}},
            recent);
}

TEST(SegmentProgramTest, DatesAreCalendarDays) {
  const std::pair<const char*, int64_t> days[] = {
      {"1970-01-01", 0},       {"1969-12-31", -1},      {"2000-03-01", 11'017},
      {"2024-02-29", 19'782},  {"1900-03-01", -25'508}, {"9999-12-31", 2'932'896},
      {"0001-01-01", -719'162}};
  for (const auto& [date, day] : days) {
    SegmentMember member = Sample();
    member.client_since = day;
    EXPECT_TRUE(Match("client_since = date(\"" + std::string(date) + "\")", member)) << date;
    member.client_since = day + 1;
    EXPECT_FALSE(Match("client_since = date(\"" + std::string(date) + "\")", member)) << date;
  }
}

TEST(SegmentProgramTest, HasTag) {
  ExpectAll({{"has_tag(\"parenting\")", true},
             {"has_tag(\"PARENTING\")", true},
             {"has_tag(\"career\")", false},
             {"not has_tag(\"career\")", true},
             {"has_tag(\"anxiety\") and has_tag(\"parenting\")", true},
             {"has_tag(\"parent\")", false}});
  SegmentMember untagged = Sample();
  untagged.tags.clear();
  EXPECT_FALSE(Match("has_tag(\"parenting\")", untagged));
}

// The jump code against C++'s own operators, for every assignment of three conditions.
TEST(SegmentProgramTest, ConnectivesMatchTheirTruthTables) {
  using Truth = std::function<bool(bool, bool, bool)>;
  const std::vector<std::pair<std::string, Truth>> rules = {
      {"a or b and c", [](bool a, bool b, bool c) { return a || (b && c); }},
      {"a and b or c", [](bool a, bool b, bool c) { return (a && b) || c; }},
      {"(a or b) and c", [](bool a, bool b, bool c) { return (a || b) && c; }},
      {"not a and b", [](bool a, bool b, bool) { return !a && b; }},
      {"not (a and b)", [](bool a, bool b, bool) { return !(a && b); }},
      {"not a or b and not c", [](bool a, bool b, bool c) { return !a || (b && !c); }},
      {"not (a or b) and c", [](bool a, bool b, bool c) { return !(a || b) && c; }},
      {"(a or b) and (not c or a)", [](bool a, bool b, bool c) { return (a || b) && (!c || a); }},
      {"not not a", [](bool a, bool, bool) { return a; }},
      {"a and not (b and not (c or a))",
       [](bool a, bool b, bool c) { return a && !(b && !(c || a)); }},
      {"a or b or c", [](bool a, bool b, bool c) { return a || b || c; }},
      {"a and b and c", [](bool a, bool b, bool c) { return a && b && c; }},
      {"not (a or not b) or not (c and not a)",
       [](bool a, bool b, bool c) { return !(a || !b) || !(c && !a); }},
  };
  for (const auto& [shape, truth] : rules) {
    // The lone letters a, b and c are the conditions; spell them out.
    std::string rule;
    for (size_t i = 0; i < shape.size(); ++i) {
      const char c = shape[i];
      const bool alone = (i == 0 || shape[i - 1] == ' ' || shape[i - 1] == '(') &&
                         (i + 1 == shape.size() || shape[i + 1] == ' ' || shape[i + 1] == ')');
      if (alone && (c == 'a' || c == 'b' || c == 'c')) {
        rule += c == 'a' ? "r_score = 1" : (c == 'b' ? "f_score = 1" : "m_score = 1");
      } else {
        rule += c;
      }
    }
    const SegmentProgram program = Compiled(rule);
    for (int bits = 0; bits < 8; ++bits) {
      SegmentMember member = Sample();
      member.r_score = bits & 1;
      member.f_score = (bits >> 1) & 1;
      member.m_score = (bits >> 2) & 1;
      EXPECT_EQ(program.Matches(member), truth((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0))
          << rule << " with a b c = " << (bits & 1) << ((bits >> 1) & 1) << ((bits >> 2) & 1);
    }
  }
}

TEST(SegmentProgramTest, TheIssueExample) {
  const SegmentProgram program = Compiled(
      "tier in (\"T1\",\"T2\") and lifecycle = \"dormant\" and clv_12m >= 5000 and "
      "has_tag(\"parenting\")");
  EXPECT_EQ(program.size(), 4u);
  EXPECT_TRUE(program.Matches(Sample()));
  SegmentMember member = Sample();
  member.tier = MemberTier::kT3;
  EXPECT_FALSE(program.Matches(member));
  member = Sample();
  member.lifecycle = MemberLifecycle::kMature;
  EXPECT_FALSE(program.Matches(member));
  member = Sample();
  member.clv_12m_minor = 499'999;
  EXPECT_FALSE(program.Matches(member));
  member = Sample();
  member.tags = {"anxiety"};
  EXPECT_FALSE(program.Matches(member));
}

TEST(SegmentProgramTest, OneInstructionPerConditionWhateverTheNots) {
  EXPECT_EQ(Compiled("not not not (frequency > 1 or not score > 2)").size(), 2u);
  EXPECT_EQ(Compiled("frequency in (1, 2, 3) and region not in (\"a\", \"b\")").size(), 2u);
}

TEST(SegmentProgramTest, ADefaultProgramMatchesNothing) {
  EXPECT_FALSE(SegmentProgram().Matches(Sample()));
}

TEST(SegmentProgramTest, EvaluationDoesNotAllocate) {
  const SegmentProgram program = Compiled(
      "tier in (\"T1\",\"T2\") and region in (\"beijing\", \"shanghai\") and clv_12m >= 5000 and "
      "frequency in (1, 6, 9) and p_alive between 0.1 and 0.9 and has_tag(\"parenting\") and "
      "client_id != \"x\" and not churn_warning");
  const SegmentMember member = Sample();
  // The counter sees allocations at all (or this test would prove nothing).
  const int64_t start = g_allocations.load();
  const auto probe = std::make_unique<std::string>(100, 'x');
  ASSERT_GT(g_allocations.load(), start);

  const int64_t before = g_allocations.load();
  bool matched = false;
  for (int i = 0; i < 100; ++i) {
    matched = program.Matches(member) != matched;
  }
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_FALSE(matched);  // matched 100 times: an even number of flips
}

}  // namespace
}  // namespace clienttier::campaign
