#include "tools/tierctl/money_text.h"

#include <cctype>
#include <limits>
#include <sstream>
#include <vector>

#include "common/validation/validation.h"

namespace clienttier::tierctl {

namespace {

bool IsCurrencyWord(const std::string& word) {
  if (word.size() != 3) {
    return false;
  }
  for (char c : word) {
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string Upper(std::string word) {
  for (char& c : word) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return word;
}

}  // namespace

std::string ParseMoneyText(const std::string& text, int64_t* units, std::string* currency) {
  const std::string example = " (write it as '500.00 CNY')";
  std::istringstream words(text);
  std::vector<std::string> parts;
  for (std::string word; words >> word;) {
    parts.push_back(word);
  }
  if (parts.size() != 2) {
    return "'" + text + "' is not an amount and a currency" + example;
  }
  const bool currency_first = IsCurrencyWord(parts[0]);
  std::string number = currency_first ? parts[1] : parts[0];
  const std::string code = Upper(currency_first ? parts[0] : parts[1]);
  if (!IsCurrencyWord(code) || !validation::IsKnownCurrency(code)) {
    return "'" + code + "' is not an ISO 4217 currency code" + example;
  }
  const int exponent = validation::CurrencyExponent(code);
  bool negative = false;
  if (!number.empty() && (number[0] == '-' || number[0] == '+')) {
    negative = number[0] == '-';
    number.erase(0, 1);
  }
  int64_t whole = 0;
  int64_t fraction = 0;
  int decimals = -1;  // -1 until the decimal point
  bool any_digit = false;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 10;
  for (char c : number) {
    if (c == ',' && decimals < 0) {
      continue;  // thousands separator
    }
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return "'" + text + "': '" + number + "' is not a number" + example;
    }
    any_digit = true;
    const int digit = c - '0';
    if (decimals < 0) {
      if (whole > kMax) {
        return "'" + text + "' is too large";
      }
      whole = whole * 10 + digit;
    } else {
      if (++decimals > exponent) {
        return "'" + text + "' has more decimals than " + code + "'s " + std::to_string(exponent) +
               " (its minor unit)";
      }
      fraction = fraction * 10 + digit;
    }
  }
  if (!any_digit) {
    return "'" + text + "' has no digits" + example;
  }
  int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) {
    scale *= 10;
  }
  for (int i = decimals < 0 ? 0 : decimals; i < exponent; ++i) {
    fraction *= 10;
  }
  if (whole > (std::numeric_limits<int64_t>::max() - fraction) / scale) {
    return "'" + text + "' is too large";
  }
  const int64_t minor = whole * scale + fraction;
  *units = negative ? -minor : minor;
  *currency = code;
  return "";
}

}  // namespace clienttier::tierctl
