#include "services/campaign/domain/segment_lexer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clienttier::campaign {
namespace {

// Every token up to the end, or the error as "at N: message".
struct Lexed {
  std::vector<SegmentToken> tokens;
  std::string error;
};

Lexed LexAll(std::string_view text) {
  Lexed lexed;
  SegmentLexer lexer(text);
  while (true) {
    SegmentToken token;
    SegmentError error;
    if (!lexer.Next(token, error)) {
      lexed.error = error.ToString();
      return lexed;
    }
    if (token.kind == SegmentTokenKind::kEnd) {
      lexed.tokens.push_back(token);
      return lexed;
    }
    lexed.tokens.push_back(token);
  }
}

std::string LexError(std::string_view text) { return LexAll(text).error; }

TEST(SegmentLexerTest, SplitsARuleWithPositions) {
  const Lexed lexed = LexAll("tier in (\"T1\",\"T2\")\n and clv_12m >= -5000.50");
  ASSERT_TRUE(lexed.error.empty()) << lexed.error;
  const std::vector<SegmentTokenKind> kinds = {
      SegmentTokenKind::kIdentifier, SegmentTokenKind::kIdentifier,
      SegmentTokenKind::kLeftParen,  SegmentTokenKind::kString,
      SegmentTokenKind::kComma,      SegmentTokenKind::kString,
      SegmentTokenKind::kRightParen, SegmentTokenKind::kIdentifier,
      SegmentTokenKind::kIdentifier, SegmentTokenKind::kGreaterOrEqual,
      SegmentTokenKind::kNumber,     SegmentTokenKind::kEnd};
  ASSERT_EQ(lexed.tokens.size(), kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(lexed.tokens[i].kind, kinds[i]) << "token " << i;
  }
  EXPECT_EQ(lexed.tokens[0].position, 1);
  EXPECT_EQ(lexed.tokens[1].position, 6);
  EXPECT_EQ(lexed.tokens[3].position, 10);
  EXPECT_EQ(lexed.tokens[3].value, "T1");
  EXPECT_EQ(lexed.tokens[3].text, "\"T1\"");
  EXPECT_EQ(lexed.tokens[7].position, 22);  // after the newline and a space
  EXPECT_EQ(lexed.tokens[10].text, "-5000.50");
  EXPECT_EQ(lexed.tokens[11].position, 45);  // one past the end
}

TEST(SegmentLexerTest, Operators) {
  const Lexed lexed = LexAll("= != < <= > >=<>");
  ASSERT_TRUE(lexed.error.empty()) << lexed.error;
  const std::vector<SegmentTokenKind> kinds = {
      SegmentTokenKind::kEqual,   SegmentTokenKind::kNotEqual,
      SegmentTokenKind::kLess,    SegmentTokenKind::kLessOrEqual,
      SegmentTokenKind::kGreater, SegmentTokenKind::kGreaterOrEqual,
      SegmentTokenKind::kLess,    SegmentTokenKind::kGreater,
      SegmentTokenKind::kEnd};
  ASSERT_EQ(lexed.tokens.size(), kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(lexed.tokens[i].kind, kinds[i]) << "token " << i;
  }
}

TEST(SegmentLexerTest, StringEscapesAndUtf8) {
  const Lexed lexed = LexAll(R"("say \"hi\" \\ bye" "上海")");
  ASSERT_TRUE(lexed.error.empty()) << lexed.error;
  EXPECT_EQ(lexed.tokens[0].value, "say \"hi\" \\ bye");
  EXPECT_EQ(lexed.tokens[1].value, "上海");
  EXPECT_EQ(lexed.tokens[1].position, 21);
}

TEST(SegmentLexerTest, StringErrors) {
  EXPECT_EQ(LexError(R"(x = "a\nb")"),
            "at 7: unknown escape in a string: only \\\" and \\\\ are allowed");
  EXPECT_EQ(LexError("x = \"open"), "at 5: the string starting here is not closed with \"");
  EXPECT_EQ(LexError("x = \"ends in backslash\\"),
            "at 23: unknown escape in a string: only \\\" and \\\\ are allowed");
  EXPECT_EQ(LexError("x = \"tab\there\""), "at 9: unexpected control character 0x09 in a string");
  EXPECT_EQ(LexError("x = \"bad \xC3\x28\""), "at 10: invalid UTF-8 in a string");
  EXPECT_EQ(LexError("x = \"overlong \xC0\xAF\""), "at 15: invalid UTF-8 in a string");
  EXPECT_EQ(LexError("x = \"surrogate \xED\xA0\x80\""), "at 16: invalid UTF-8 in a string");
  EXPECT_EQ(LexError("x = \"cut \xE4\xB8\""), "at 10: invalid UTF-8 in a string");
  EXPECT_EQ(LexError("x = \"too high \xF4\x90\x80\x80\""), "at 15: invalid UTF-8 in a string");
  EXPECT_TRUE(LexError("x = \"emoji \xF0\x9F\x98\x80\"").empty());
}

TEST(SegmentLexerTest, BytesOutsideStrings) {
  EXPECT_EQ(LexError("région = 1"),
            "at 2: unexpected byte 0xC3: outside strings a rule is plain ASCII");
  EXPECT_EQ(LexError("tier\x01"), "at 5: unexpected control character 0x01");
  EXPECT_EQ(LexError("tier\x7F"), "at 5: unexpected control character 0x7F");
  EXPECT_EQ(LexError("tier = 'T1'"), "at 8: unexpected character \"'\"");
  EXPECT_EQ(LexError("a # b"), "at 3: unexpected character \"#\"");
  EXPECT_EQ(LexError("a ! b"), "at 3: expected \"=\" after \"!\" (the operator is \"!=\")");
  EXPECT_EQ(LexError(std::string("a\0b", 3)), "at 2: unexpected control character 0x00");
}

TEST(SegmentLexerTest, Numbers) {
  const Lexed lexed = LexAll("0 007 -3 12.50 5000.00 CNY");
  ASSERT_TRUE(lexed.error.empty()) << lexed.error;
  EXPECT_EQ(lexed.tokens[1].text, "007");
  EXPECT_EQ(lexed.tokens[2].text, "-3");
  EXPECT_EQ(lexed.tokens[3].text, "12.50");
  EXPECT_EQ(lexed.tokens[5].kind, SegmentTokenKind::kIdentifier);

  EXPECT_EQ(LexError("x = - 3"), "at 5: expected a digit after \"-\"");
  EXPECT_EQ(LexError("x = 1."), "at 7: expected a digit after the decimal point");
  EXPECT_EQ(LexError("x = .5"), "at 5: unexpected character \".\"");
  EXPECT_EQ(LexError("x = 1.2.3"), "at 8: expected a space or an operator after the number 1.2");
  EXPECT_EQ(LexError("x = 5000CNY"), "at 9: expected a space or an operator after the number 5000");
  EXPECT_EQ(LexError("x = 1and"), "at 6: expected a space or an operator after the number 1");
}

TEST(SegmentLexerTest, DescribesTokens) {
  const Lexed lexed = LexAll("tier 12 \"T1\" (");
  EXPECT_EQ(DescribeToken(lexed.tokens[0]), "\"tier\"");
  EXPECT_EQ(DescribeToken(lexed.tokens[1]), "the number 12");
  EXPECT_EQ(DescribeToken(lexed.tokens[2]), "the string \"T1\"");
  EXPECT_EQ(DescribeToken(lexed.tokens[3]), "\"(\"");
  EXPECT_EQ(DescribeToken(lexed.tokens[4]), "end of rule");
}

TEST(SegmentLexerTest, ShortensLongTokensOnACharacterBoundary) {
  // 38 ASCII bytes, then a three-byte character straddling the 40-byte cut.
  const std::string text = "\"" + std::string(38, 'a') + "上海\"";
  const Lexed lexed = LexAll(text);
  ASSERT_TRUE(lexed.error.empty()) << lexed.error;
  EXPECT_EQ(ShownText(lexed.tokens[0]), "\"" + std::string(38, 'a') + "...");
}

TEST(SegmentLiteralTest, ScaledIntegersAreExact) {
  const auto scaled = [](std::string_view text, int decimals) {
    return ScaledInteger(SplitNumberToken(text), decimals);
  };
  EXPECT_EQ(scaled("5000", 2), 500'000);
  EXPECT_EQ(scaled("5000.5", 2), 500'050);
  EXPECT_EQ(scaled("5000.05", 2), 500'005);
  EXPECT_EQ(scaled("0.07", 2), 7);  // 0.07 * 100 in doubles is 7.000000000000001
  EXPECT_EQ(scaled("-12.3", 2), -1'230);
  EXPECT_EQ(scaled("007", 0), 7);
  EXPECT_EQ(scaled("5000.001", 3), 5'000'001);
  EXPECT_EQ(scaled("92233720368547758.07", 2), INT64_MAX);
  EXPECT_EQ(scaled("-92233720368547758.07", 2), -INT64_MAX);
  EXPECT_EQ(scaled("92233720368547758.08", 2), std::nullopt);
  EXPECT_EQ(scaled("9223372036854775807", 0), INT64_MAX);
  EXPECT_EQ(scaled("9223372036854775808", 0), std::nullopt);
  EXPECT_EQ(scaled("99999999999999999999999999", 0), std::nullopt);
}

TEST(SegmentLiteralTest, SplitsNumbers) {
  const NumberText number = SplitNumberToken("-12.50");
  EXPECT_TRUE(number.negative);
  EXPECT_EQ(number.whole, "12");
  EXPECT_EQ(number.fraction, "50");
  EXPECT_EQ(SplitNumberToken("7").fraction, "");
}

TEST(SegmentLiteralTest, FormatsScaledValues) {
  EXPECT_EQ(FormatScaled(500'050, 2), "5000.50");
  EXPECT_EQ(FormatScaled(7, 2), "0.07");
  EXPECT_EQ(FormatScaled(0, 2), "0.00");
  EXPECT_EQ(FormatScaled(-5, 3), "-0.005");
  EXPECT_EQ(FormatScaled(5000, 0), "5000");
  EXPECT_EQ(FormatScaled(INT64_MIN, 2), "-92233720368547758.08");
  EXPECT_EQ(FormatScaled(INT64_MAX, 0), "9223372036854775807");
}

TEST(SegmentLiteralTest, IsoDates) {
  bool well_formed = false;
  EXPECT_EQ(DayFromIsoDate("1970-01-01", well_formed), 0);
  EXPECT_TRUE(well_formed);
  EXPECT_EQ(DayFromIsoDate("2024-10-04", well_formed), 20'000);
  EXPECT_EQ(DayFromIsoDate("2000-02-29", well_formed), 11'016);        // divisible by 400: leap
  EXPECT_EQ(DayFromIsoDate("2100-02-29", well_formed), std::nullopt);  // by 100 only: not
  EXPECT_TRUE(well_formed);
  EXPECT_EQ(DayFromIsoDate("2024-02-30", well_formed), std::nullopt);
  EXPECT_EQ(DayFromIsoDate("2024-06-31", well_formed), std::nullopt);
  EXPECT_EQ(DayFromIsoDate("2024-00-10", well_formed), std::nullopt);
  EXPECT_EQ(DayFromIsoDate("2024-12-00", well_formed), std::nullopt);
  EXPECT_TRUE(well_formed);
  EXPECT_EQ(DayFromIsoDate("2024-1-01", well_formed), std::nullopt);
  EXPECT_FALSE(well_formed);
  EXPECT_EQ(DayFromIsoDate("2024/01/01", well_formed), std::nullopt);
  EXPECT_FALSE(well_formed);
  EXPECT_EQ(DayFromIsoDate("+024-01-01", well_formed), std::nullopt);
  EXPECT_FALSE(well_formed);
  EXPECT_EQ(DayFromIsoDate("2024-01-01 ", well_formed), std::nullopt);
  EXPECT_FALSE(well_formed);
}

}  // namespace
}  // namespace clienttier::campaign
