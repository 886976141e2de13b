#include "services/campaign/domain/segment_parser.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace clienttier::campaign {
namespace {

SegmentContext Cny() {
  SegmentContext context;
  context.currency = "CNY";
  context.currency_exponent = 2;
  context.today = 20'000;  // 2024-10-04
  return context;
}

std::string Canonical(std::string_view text, const SegmentContext& context = Cny()) {
  const SegmentResult<SegmentRule> result = ParseSegmentRule(text, context);
  return result.ok() ? ToString(result.value()) : "error " + result.error().ToString();
}

std::string ErrorOf(std::string_view text, const SegmentContext& context = Cny()) {
  const SegmentResult<SegmentRule> result = ParseSegmentRule(text, context);
  return result.ok() ? "parsed as " + ToString(result.value()) : result.error().ToString();
}

// The tree as nested calls with each condition as its field name: or(tier, and(a, b)).
std::string Shape(const SegmentExpr& expr) {
  switch (expr.kind) {
    case SegmentExpr::Kind::kCondition:
      return expr.condition.field != nullptr ? expr.condition.field->name : "has_tag";
    case SegmentExpr::Kind::kNot:
      return "not(" + Shape(expr.operands[0]) + ")";
    case SegmentExpr::Kind::kAnd:
    case SegmentExpr::Kind::kOr: {
      std::string text = expr.kind == SegmentExpr::Kind::kAnd ? "and(" : "or(";
      for (size_t i = 0; i < expr.operands.size(); ++i) {
        text += (i == 0 ? "" : ", ") + Shape(expr.operands[i]);
      }
      return text + ")";
    }
  }
  return "?";
}

std::string ShapeOf(std::string_view text) {
  const SegmentResult<SegmentRule> result = ParseSegmentRule(text, Cny());
  return result.ok() ? Shape(result.value().root) : "error " + result.error().ToString();
}

TEST(SegmentParserTest, NotBindsTighterThanAndTighterThanOr) {
  EXPECT_EQ(ShapeOf("tier = \"T1\" or lifecycle = \"dormant\" and score > 1"),
            "or(tier, and(lifecycle, score))");
  EXPECT_EQ(ShapeOf("tier = \"T1\" and lifecycle = \"dormant\" or score > 1"),
            "or(and(tier, lifecycle), score)");
  EXPECT_EQ(ShapeOf("not tier = \"T1\" and score > 1"), "and(not(tier), score)");
  EXPECT_EQ(ShapeOf("not tier = \"T1\" or score > 1"), "or(not(tier), score)");
  EXPECT_EQ(ShapeOf("a_or_b = 1 or frequency = 1"), "error at 1: unknown field \"a_or_b\"");
}

TEST(SegmentParserTest, ParenthesesOverridePrecedence) {
  EXPECT_EQ(ShapeOf("(tier = \"T1\" or score > 1) and frequency > 2"),
            "and(or(tier, score), frequency)");
  EXPECT_EQ(ShapeOf("not (tier = \"T1\" and score > 1)"), "not(and(tier, score))");
  EXPECT_EQ(ShapeOf("not not churn_warning"), "not(not(churn_warning))");
  EXPECT_EQ(ShapeOf("((((frequency > 1))))"), "frequency");
}

TEST(SegmentParserTest, NestedChainsOfTheSameOperatorAreFlattened) {
  EXPECT_EQ(ShapeOf("(r_score = 1 and f_score = 1) and (m_score = 1 and score > 1)"),
            "and(r_score, f_score, m_score, score)");
  EXPECT_EQ(ShapeOf("r_score = 1 or (f_score = 1 or (m_score = 1))"),
            "or(r_score, f_score, m_score)");
  EXPECT_EQ(ShapeOf("r_score = 1 and (f_score = 1 or m_score = 1)"),
            "and(r_score, or(f_score, m_score))");
}

TEST(SegmentParserTest, TheAndOfBetweenBelongsToIt) {
  EXPECT_EQ(ShapeOf("frequency between 1 and 5 and score > 1"), "and(frequency, score)");
  EXPECT_EQ(Canonical("frequency between 1 and 5 or score not between 1 and 2"),
            "frequency between 1 and 5 or score not between 1 and 2");
}

TEST(SegmentParserTest, OperatorsAreRecorded) {
  const auto op_of = [](std::string_view text) {
    const SegmentResult<SegmentRule> result = ParseSegmentRule(text, Cny());
    EXPECT_TRUE(result.ok()) << text;
    return result.ok() ? result.value().root.condition.op : SegmentOp::kHasTag;
  };
  EXPECT_EQ(op_of("frequency = 1"), SegmentOp::kEqual);
  EXPECT_EQ(op_of("frequency != 1"), SegmentOp::kNotEqual);
  EXPECT_EQ(op_of("frequency < 1"), SegmentOp::kLess);
  EXPECT_EQ(op_of("frequency <= 1"), SegmentOp::kLessOrEqual);
  EXPECT_EQ(op_of("frequency > 1"), SegmentOp::kGreater);
  EXPECT_EQ(op_of("frequency >= 1"), SegmentOp::kGreaterOrEqual);
  EXPECT_EQ(op_of("frequency in (1)"), SegmentOp::kIn);
  EXPECT_EQ(op_of("frequency not in (1)"), SegmentOp::kNotIn);
  EXPECT_EQ(op_of("frequency between 1 and 2"), SegmentOp::kBetween);
  EXPECT_EQ(op_of("frequency NOT BETWEEN 1 AND 2"), SegmentOp::kNotBetween);
  EXPECT_EQ(op_of("churn_warning"), SegmentOp::kIsTrue);
  EXPECT_EQ(op_of("has_tag(\"x\")"), SegmentOp::kHasTag);
}

TEST(SegmentParserTest, KeywordsFieldsAndValuesIgnoreCase) {
  EXPECT_EQ(Canonical("TIER IN (\"t1\") AND Lifecycle = \"DORMANT\" Or NOT Churn_Warning = TRUE"),
            "tier in (\"T1\") and lifecycle = \"dormant\" or not churn_warning = true");
  EXPECT_EQ(Canonical("HAS_TAG(\"Parenting\") and Client_Since >= DATE(\"2025-01-01\")"),
            "has_tag(\"parenting\") and client_since >= date(\"2025-01-01\")");
  EXPECT_EQ(Canonical("client_since >= Days_Ago(30)"), "client_since >= days_ago(30)");
}

TEST(SegmentParserTest, CanonicalParenthesesAreOnlyThoseNeeded) {
  EXPECT_EQ(Canonical("((tier = \"T1\"))"), "tier = \"T1\"");
  EXPECT_EQ(Canonical("(tier = \"T1\" or score > 1) and frequency > 2"),
            "(tier = \"T1\" or score > 1) and frequency > 2");
  EXPECT_EQ(Canonical("tier = \"T1\" or (score > 1 and frequency > 2)"),
            "tier = \"T1\" or score > 1 and frequency > 2");
  EXPECT_EQ(Canonical("not (tier = \"T1\" or score > 1)"), "not (tier = \"T1\" or score > 1)");
  EXPECT_EQ(Canonical("not (tier = \"T1\")"), "not tier = \"T1\"");
  EXPECT_EQ(Canonical("not(not(churn_warning))"), "not not churn_warning");
}

TEST(SegmentParserTest, CanonicalListsAreSortedWithoutDuplicates) {
  EXPECT_EQ(Canonical("tier in (\"T3\", \"t1\", \"T1\")"), "tier in (\"T1\", \"T3\")");
  EXPECT_EQ(Canonical("frequency not in (3, 1, 2, 1, 03)"), "frequency not in (1, 2, 3)");
  // Text that ignores case is sorted and deduplicated ignoring it; the first spelling stays.
  EXPECT_EQ(Canonical("region in (\"Shanghai\", \"beijing\", \"SHANGHAI\")"),
            "region in (\"beijing\", \"Shanghai\")");
  EXPECT_EQ(Canonical("client_id in (\"b\", \"B\", \"a\", \"b\")"),
            "client_id in (\"B\", \"a\", \"b\")");
  EXPECT_EQ(Canonical("city_tier in (3, 1, 3)"), "city_tier in (1, 3)");
  EXPECT_EQ(Canonical("rfm_cell in (\"555\", \"111\")"), "rfm_cell in (\"111\", \"555\")");
  EXPECT_EQ(Canonical("clv_12m in (2, 1.5, 2.00 CNY)"), "clv_12m in (1.50 CNY, 2.00 CNY)");
  EXPECT_EQ(Canonical("client_since in (date(\"2024-10-03\"), days_ago(1))"),
            "client_since in (date(\"2024-10-03\"))");
}

TEST(SegmentParserTest, CanonicalValues) {
  EXPECT_EQ(Canonical("frequency >= 007"), "frequency >= 7");
  EXPECT_EQ(Canonical("recency_days > -3"), "recency_days > -3");
  EXPECT_EQ(Canonical("score >= 050.50"), "score >= 50.5");
  EXPECT_EQ(Canonical("p_alive < 0.000"), "p_alive < 0");
  EXPECT_EQ(Canonical("score > -0.0"), "score > 0");
  EXPECT_EQ(Canonical("p_alive >= 0.05"), "p_alive >= 0.05");
  EXPECT_EQ(Canonical("score between -1.5 and 2"), "score between -1.5 and 2");
  EXPECT_EQ(Canonical("region = \"a\\\"b\\\\c\""), "region = \"a\\\"b\\\\c\"");
  EXPECT_EQ(Canonical("region = \"上海\""), "region = \"上海\"");
  EXPECT_EQ(Canonical("churn_warning != FALSE"), "churn_warning != false");
  EXPECT_EQ(Canonical("city_tier <= 2"), "city_tier <= 2");
  EXPECT_EQ(Canonical("city_tier = 0"), "city_tier = 0");
  EXPECT_EQ(Canonical("gender = \"Unspecified\""), "gender = \"unspecified\"");
  EXPECT_EQ(Canonical("age_band between \"18_24\" and \"35_44\""),
            "age_band between \"18_24\" and \"35_44\"");
}

TEST(SegmentParserTest, CanonicalMoneyShowsTheCurrencyAndItsDecimals) {
  EXPECT_EQ(Canonical("clv_12m >= 5000"), "clv_12m >= 5000.00 CNY");
  EXPECT_EQ(Canonical("clv_12m >= 5000.5"), "clv_12m >= 5000.50 CNY");
  EXPECT_EQ(Canonical("potential_12m < -12.3 CNY"), "potential_12m < -12.30 CNY");
  EXPECT_EQ(Canonical("monetary > 0.07"), "monetary > 0.07 CNY");
  SegmentContext yen;
  yen.currency = "JPY";
  yen.currency_exponent = 0;
  EXPECT_EQ(Canonical("spend_30d >= 5000 JPY", yen), "spend_30d >= 5000 JPY");
  SegmentContext unknown;
  EXPECT_EQ(Canonical("spend_30d >= 5000", unknown), "spend_30d >= 5000.00");
}

TEST(SegmentParserTest, CanonicalFormParsesToItself) {
  const std::vector<std::string> rules = {
      "tier in (\"T1\",\"T2\") and lifecycle = \"dormant\" and clv_12m >= 5000 and "
      "has_tag(\"parenting\")",
      "NOT (score > 1 OR (p_alive between 0.1 AND 0.9 and not churn_warning)) or region in "
      "(\"x\", \"Y\", \"y\")",
      "client_since between date(\"2020-02-29\") and days_ago(0) and city_tier > 1",
      "rfm_cell not in (\"545\", \"555\") or spend_tier >= \"GROWTH\" and income_band < \"high\"",
      "potential_12m between -5 and 5.5 CNY or value_12m != 0.01",
  };
  for (const std::string& rule : rules) {
    const std::string once = Canonical(rule);
    ASSERT_EQ(once.find("error"), std::string::npos) << rule << ": " << once;
    EXPECT_EQ(Canonical(once), once) << rule;
  }
}

TEST(SegmentParserTest, FieldsUsed) {
  const SegmentResult<SegmentRule> result = ParseSegmentRule(
      "tier in (\"T1\") and (has_tag(\"a\") or has_tag(\"b\")) and not tier = \"T2\" and "
      "clv_12m > 1",
      Cny());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(FieldsUsed(result.value()), (std::vector<std::string>{"clv_12m", "tags", "tier"}));
}

struct ErrorCase {
  const char* rule;
  const char* error;
};

// Each message a marketer can meet, with the column it points at.
TEST(SegmentParserTest, ErrorsNamePositionAndExpectation) {
  const std::vector<ErrorCase> cases = {
      {"", "at 1: the rule is empty"},
      {"   \n ", "at 1: the rule is empty"},
      {"tier =", "at 7: expected a value after \"=\" but found end of rule"},
      {"tier = )", "at 8: expected a value after \"=\" but found \")\""},
      {"tier = and", "at 8: expected a value after \"=\" but found \"and\""},
      {"tierr = \"T1\"", "at 1: unknown field \"tierr\" (did you mean \"tier\"?)"},
      {"foo = 1", "at 1: unknown field \"foo\""},
      {"\"T1\" = tier",
       "at 1: expected a field name, \"not\" or \"(\" but found the string \"T1\""},
      {"and tier = \"T1\"", "at 1: expected a field name, \"not\" or \"(\" but found \"and\""},
      {"tier = \"T1\" and", "at 16: expected a field name, \"not\" or \"(\" but found end of rule"},
      {"tier = \"T1\" or or", "at 16: expected a field name, \"not\" or \"(\" but found \"or\""},
      {"tier \"T1\"",
       "at 6: expected an operator (=, !=, <, <=, >, >=, in, not in, between) after \"tier\" but "
       "found the string \"T1\""},
      {"tier == \"T1\"", "at 7: expected a value after \"=\" but found \"=\""},
      {"tier not = \"T1\"", "at 10: expected \"in\" or \"between\" after \"not\" but found \"=\""},
      {"tier = \"T1\" score > 1",
       "at 13: expected \"and\", \"or\" or end of rule but found \"score\""},
      {"(tier = \"T1\"",
       "at 13: expected \"and\", \"or\" or \")\" to close the \"(\" at 1 but found end of rule"},
      {"tier = \"T1\")", "at 12: expected \"and\", \"or\" or end of rule but found \")\""},
      {"()", "at 2: expected a field name, \"not\" or \"(\" but found \")\""},
      {"tier in \"T1\"", "at 9: expected \"(\" after \"in\" but found the string \"T1\""},
      {"tier in ()", "at 10: expected a value after \"(\" but found \")\""},
      {"tier in (\"T1\",)", "at 15: expected a value after \",\" but found \")\""},
      {"tier in (\"T1\" \"T2\")",
       "at 15: expected \",\" or \")\" in the list but found the string \"T2\""},
      {"tier in (\"T1\"", "at 14: expected \",\" or \")\" in the list but found end of rule"},
      {"frequency between 1 5",
       "at 21: expected \"and\" after the lower bound of \"between\" but found the number 5"},
      {"frequency between 1 and", "at 24: expected a value after \"and\" but found end of rule"},
      {"frequency between 5 and 1",
       "at 19: the lower bound of \"between\" is above its upper bound"},
      {"tier between \"T3\" and \"T1\"",
       "at 14: the lower bound of \"between\" is above its upper bound"},
      {"has_tag \"x\"", "at 9: expected \"(\" after \"has_tag\" but found the string \"x\""},
      {"has_tag(x)", "at 9: expected a tag in quotes such as \"parenting\" but found \"x\""},
      {"has_tag(\"x\"", "at 12: expected \")\" after the tag but found end of rule"},
      {"has_tag(\"two words\")",
       "at 9: \"two words\" is not a tag: tags are 1 to 64 of a-z, 0-9, _ and -"},
      {"has_tag(\"\")", "at 9: \"\" is not a tag: tags are 1 to 64 of a-z, 0-9, _ and -"},
      {"has_tag = 1", "at 9: expected \"(\" after \"has_tag\" but found \"=\""},

      // Enums.
      {"tier = \"T4\"",
       "at 8: \"T4\" is not a value of tier: expected \"T1\", \"T2\", \"T3\", or \"unspecified\""},
      {"tier <= T2",
       "at 9: expected a value after \"<=\" but found \"T2\" (write values in quotes: \"T2\")"},
      {"tier = 1",
       "at 8: tier is one of a list of values: expected \"T1\", \"T2\", \"T3\", or \"unspecified\" "
       "but found the number 1"},
      {"lifecycle < \"dormant\"",
       "at 11: \"<\" does not apply to lifecycle, which has no order: use =, !=, in or not in"},
      {"gender between \"female\" and \"male\"",
       "at 8: \"between\" does not apply to gender, which has no order: use =, !=, in or not in"},
      {"tier <= \"unspecified\"", "at 9: \"unspecified\" has no place in the order of tier"},
      {"city_tier > 0", "at 13: 0 (unspecified) has no place in the order of city_tier"},
      {"city_tier = 5",
       "at 13: 5 is not a value of city_tier: expected 1, 2, 3, 4, or 0 for unspecified"},
      {"city_tier = -1",
       "at 13: -1 is not a value of city_tier: expected 1, 2, 3, 4, or 0 for unspecified"},
      {"city_tier = 1.5", "at 13: city_tier is a whole number: expected no decimals but found 1.5"},
      {"city_tier = \"1\"",
       "at 13: city_tier is one of a list of values: expected 1, 2, 3, 4, or 0 for unspecified but "
       "found the string \"1\""},

      // Booleans.
      {"churn_warning = 1",
       "at 17: churn_warning is true or false: expected true or false but found the number 1"},
      {"churn_warning < true",
       "at 15: \"<\" does not apply to churn_warning, which is true or false: use churn_warning on "
       "its own, = true or = false"},
      {"churn_warning in (true)",
       "at 15: \"in\" does not apply to churn_warning, which is true or false: use churn_warning "
       "on its own, = true or = false"},
      {"frequency = true",
       "at 13: frequency is a whole number: expected a whole number such as 30 but found \"true\""},

      // Text and cells.
      {"region < \"x\"",
       "at 8: \"<\" does not apply to region, which is text: use =, !=, in or not in"},
      {"region between \"a\" and \"b\"",
       "at 8: \"between\" does not apply to region, which is text: use =, !=, in or not in"},
      {"region = 5", "at 10: region is text: expected a string in quotes but found the number 5"},
      {"rfm_cell = \"556\"",
       "at 12: \"556\" is not an RFM cell: expected three digits 1 to 5 such as \"545\""},
      {"rfm_cell = \"55\"",
       "at 12: \"55\" is not an RFM cell: expected three digits 1 to 5 such as \"545\""},
      {"rfm_cell = 555",
       "at 12: rfm_cell is an RFM cell: expected a cell in quotes such as \"555\" but found the "
       "number 555"},
      {"rfm_cell > \"111\"",
       "at 10: \">\" does not apply to rfm_cell, which is an RFM cell: use =, !=, in or not in"},

      // Numbers.
      {"frequency = \"3\"",
       "at 13: frequency is a whole number: expected a whole number such as 30 but found the "
       "string \"3\""},
      {"frequency = 1.5", "at 13: frequency is a whole number: expected no decimals but found 1.5"},
      {"frequency = 1.0", "at 13: frequency is a whole number: expected no decimals but found 1.0"},
      {"frequency > 9223372036854775808", "at 13: the number 9223372036854775808 is too large"},
      {"frequency > 5 CNY",
       "at 15: a currency applies only to amounts of money, and frequency is a whole number"},
      {"score in (1, 2)",
       "at 7: \"in\" does not apply to score, which is a decimal number: use =, !=, <, <=, >, >=, "
       "between or not between"},
      {"score > \"5\"",
       "at 9: score is a number: expected a number such as 0.5 but found the string \"5\""},
      {"score > 12345678901234567", "at 9: the number 12345678901234567 has too many digits"},
      {"p_alive > 0.00000000000000000000001",
       "at 11: the number 0.00000000000000000000001 has more than 22 decimals"},

      // Money.
      {"clv_12m >= 5000.001", "at 12: 5000.001 has 3 decimals but CNY has 2"},
      {"clv_12m >= 5000.000", "at 12: 5000.000 has 3 decimals but CNY has 2"},
      {"clv_12m >= 5000.00 USD", "at 20: the amount is in USD but the tenant currency is CNY"},
      {"clv_12m >= 5000 cny", "at 17: currency codes are written in upper case: cny should be CNY"},
      {"clv_12m >= 92233720368547758.08", "at 12: the amount 92233720368547758.08 is too large"},
      {"clv_12m >= 92233720368547759", "at 12: the amount 92233720368547759 is too large"},
      {"clv_12m >= \"5000\"",
       "at 12: clv_12m is an amount of money: expected a number such as 5000 or an amount such as "
       "5000 CNY but found the string \"5000\""},
      {"clv_12m >= 5000 tier = \"T1\"",
       "at 17: expected \"and\", \"or\" or end of rule but found \"tier\""},

      // Dates.
      {"client_since >= \"2025-01-01\"",
       "at 17: client_since is a date: expected date(\"2025-01-01\") or days_ago(30) but found the "
       "string \"2025-01-01\""},
      {"client_since >= 20000",
       "at 17: client_since is a date: expected date(\"2025-01-01\") or days_ago(30) but found the "
       "number 20000"},
      {"client_since >= date(\"2025-02-29\")", "at 22: \"2025-02-29\" is not a calendar date"},
      {"client_since >= date(\"2025-13-01\")", "at 22: \"2025-13-01\" is not a calendar date"},
      {"client_since >= date(\"0000-01-01\")", "at 22: \"0000-01-01\" is not a calendar date"},
      {"client_since >= date(\"2025-04-31\")", "at 22: \"2025-04-31\" is not a calendar date"},
      {"client_since >= date(\"2025-1-1\")",
       "at 22: expected a date written YYYY-MM-DD but found the string \"2025-1-1\""},
      {"client_since >= date(2025)",
       "at 22: expected a date in quotes such as \"2025-01-01\" but found the number 2025"},
      {"client_since >= date \"2025-01-01\"",
       "at 22: expected \"(\" after \"date\" but found the string \"2025-01-01\""},
      {"client_since >= date(\"2025-01-01\"",
       "at 34: expected \")\" after the date but found end of rule"},
      {"client_since >= days_ago(1.5)",
       "at 26: days_ago takes a whole number of days from 0 to 36500"},
      {"client_since >= days_ago(-1)",
       "at 26: days_ago takes a whole number of days from 0 to 36500"},
      {"client_since >= days_ago(36501)",
       "at 26: days_ago takes a whole number of days from 0 to 36500"},
      {"client_since >= days_ago(x)", "at 26: expected a number of days but found \"x\""},
      {"frequency > date(\"2025-01-01\")",
       "at 13: frequency is a whole number: expected a whole number such as 30 but found \"date\""},

      // Bytes.
      {"tier = \"T1\" and région = \"x\"",
       "at 18: unexpected byte 0xC3: outside strings a rule is plain ASCII"},
      {"tier = \"T1\" ; drop", "at 13: unexpected character \";\""},
  };
  for (const ErrorCase& error_case : cases) {
    EXPECT_EQ(ErrorOf(error_case.rule), error_case.error) << error_case.rule;
  }
}

TEST(SegmentParserTest, ReportsTheFirstProblemInReadingOrder) {
  // The unknown field comes before the bad byte, so it is the one reported.
  EXPECT_EQ(ErrorOf("tierr = 1 and \x01"),
            "at 1: unknown field \"tierr\" (did you mean \"tier\"?)");
}

TEST(SegmentParserTest, MoneyNeedsTheTenantCurrencyToNameOne) {
  SegmentContext unknown;
  EXPECT_EQ(ErrorOf("clv_12m >= 5000 CNY", unknown),
            "at 17: the amount is in CNY but the tenant currency is not known: write the amount "
            "without a currency");
  EXPECT_EQ(ErrorOf("clv_12m >= 5000.001", unknown),
            "at 12: 5000.001 has 3 decimals but the tenant currency has 2");
  SegmentContext yen;
  yen.currency = "JPY";
  yen.currency_exponent = 0;
  EXPECT_EQ(ErrorOf("clv_12m >= 5000.5", yen), "at 12: 5000.5 has 1 decimal but JPY has 0");
}

TEST(SegmentParserTest, DaysAgoNeedsToday) {
  SegmentContext no_today = Cny();
  no_today.today.reset();
  EXPECT_EQ(ErrorOf("client_since >= days_ago(30)", no_today),
            "at 17: days_ago needs today's date, which this caller does not give");
  EXPECT_EQ(Canonical("client_since >= date(\"2025-01-01\")", no_today),
            "client_since >= date(\"2025-01-01\")");
}

// ---- Limits ----

std::string Repeat(const std::string& text, int times, const std::string& separator) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += (i == 0 ? "" : separator) + text;
  }
  return out;
}

TEST(SegmentParserTest, RuleLengthLimit) {
  const std::string prefix = "region = \"";
  const std::string at_limit = prefix + std::string(kMaxRuleBytes - prefix.size() - 1, 'x') + "\"";
  ASSERT_EQ(at_limit.size(), kMaxRuleBytes);
  EXPECT_TRUE(ParseSegmentRule(at_limit, Cny()).ok());
  EXPECT_EQ(ErrorOf(at_limit + " "), "at 4097: the rule is longer than 4096 bytes");
}

TEST(SegmentParserTest, CanonicalFormIsHeldToTheLengthLimitToo) {
  // 64 conditions of 52 bytes (3.6 KB with the "or"s) grow by 14 bytes each (".00 CNY"
  // twice) to 4.5 KB.
  std::string rule = Repeat("spend_365d not between 100000000000 and 900000000000", 64, " or ");
  ASSERT_LE(rule.size(), kMaxRuleBytes);
  EXPECT_EQ(ErrorOf(rule),
            "at 1: the rule is longer than 4096 bytes once written in canonical form");
}

TEST(SegmentParserTest, NestingLimitCountsParenthesesAndNots) {
  const auto nested = [](int levels) {
    return std::string(static_cast<size_t>(levels), '(') + "frequency > 1" +
           std::string(static_cast<size_t>(levels), ')');
  };
  EXPECT_TRUE(ParseSegmentRule(nested(kMaxNesting), Cny()).ok());
  EXPECT_EQ(ErrorOf(nested(kMaxNesting + 1)),
            "at 33: nested deeper than 32 levels of parentheses and not");
  EXPECT_TRUE(ParseSegmentRule(Repeat("not", kMaxNesting, " ") + " churn_warning", Cny()).ok());
  EXPECT_EQ(ErrorOf(Repeat("not", kMaxNesting + 1, " ") + " churn_warning"),
            "at 129: nested deeper than 32 levels of parentheses and not");
  EXPECT_EQ(ErrorOf(Repeat("not (", 16, "") + "not churn_warning" + std::string(16, ')')),
            "at 81: nested deeper than 32 levels of parentheses and not");
  // Depth is what is open at once: many shallow groups side by side are fine.
  EXPECT_TRUE(ParseSegmentRule(Repeat("(not (frequency > 1))", 40, " or "), Cny()).ok());
  // A pathological input ends in an error, not in a stack overflow.
  EXPECT_FALSE(ParseSegmentRule(std::string(4000, '('), Cny()).ok());
}

TEST(SegmentParserTest, ConditionLimit) {
  EXPECT_TRUE(ParseSegmentRule(Repeat("frequency > 1", kMaxConditions, " and "), Cny()).ok());
  const std::string too_many = Repeat("frequency > 1", kMaxConditions + 1, " and ");
  EXPECT_EQ(ErrorOf(too_many),
            "at " + std::to_string(64 * 18 + 1) + ": more than 64 conditions in one rule");
  EXPECT_EQ(ErrorOf(Repeat("has_tag(\"a\")", kMaxConditions + 1, " or ")),
            "at " + std::to_string(64 * 16 + 1) + ": more than 64 conditions in one rule");
}

TEST(SegmentParserTest, ListLimit) {
  std::vector<std::string> values;
  for (size_t i = 0; i <= kMaxListValues; ++i) {
    values.push_back(std::to_string(i));
  }
  const auto list = [&values](size_t count) {
    std::string text = "frequency in (";
    for (size_t i = 0; i < count; ++i) {
      text += (i == 0 ? "" : ",") + values[i];
    }
    return text + ")";
  };
  EXPECT_TRUE(ParseSegmentRule(list(kMaxListValues), Cny()).ok());
  const std::string too_long = list(kMaxListValues + 1);
  EXPECT_EQ(ErrorOf(too_long),
            "at " + std::to_string(too_long.size() - 3) + ": more than 100 values in one list");
}

TEST(SegmentParserTest, RejectsAContextOutsideItsRanges) {
  SegmentContext context;
  context.currency = "cny";
  EXPECT_THROW(ParseSegmentRule("frequency > 1", context), std::invalid_argument);
  context.currency = "CNY";
  context.currency_exponent = 5;
  EXPECT_THROW(ParseSegmentRule("frequency > 1", context), std::invalid_argument);
  context.currency_exponent = 2;
  context.today = int64_t{1} << 62;
  EXPECT_THROW(ParseSegmentRule("frequency > 1", context), std::invalid_argument);
}

TEST(SegmentParserTest, ErrorsBecomeInvalidArgumentOnTheRuleField) {
  const SegmentResult<SegmentRule> result = ParseSegmentRule("tier =", Cny());
  ASSERT_FALSE(result.ok());
  const DomainError error = AsInvalidArgument(result.error());
  EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
  EXPECT_STREQ(error.what(), "rule: at 7: expected a value after \"=\" but found end of rule");
}

}  // namespace
}  // namespace clienttier::campaign
