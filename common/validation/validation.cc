#include "common/validation/validation.h"

#include <algorithm>
#include <array>

#include "common/errors/domain_error.h"

namespace clienttier::validation {

namespace {

// Active ISO 4217 codes (2024 list), sorted for binary search.
constexpr std::array<std::string_view, 155> kCurrencies = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL"};

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Strict UTF-8 (no overlongs, no surrogates) without C0 controls other than tab.
bool IsCleanUtf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if ((byte < 0x20 && byte != '\t') || byte == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code_point = 0;
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code_point = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code_point = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code_point = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (size_t k = 1; k < length; ++k) {
      const auto continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) {
        return false;
      }
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    const uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < minimum[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

bool IsKnownCurrency(std::string_view code) {
  return std::binary_search(kCurrencies.begin(), kCurrencies.end(), code);
}

int CurrencyExponent(std::string_view code) {
  // The exceptions to two decimals among the active codes.
  static constexpr std::array<std::string_view, 17> kNoDecimals = {
      "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
      "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
  static constexpr std::array<std::string_view, 7> kThreeDecimals = {"BHD", "IQD", "JOD", "KWD",
                                                                     "LYD", "OMR", "TND"};
  if (std::find(kNoDecimals.begin(), kNoDecimals.end(), code) != kNoDecimals.end()) {
    return 0;
  }
  if (std::find(kThreeDecimals.begin(), kThreeDecimals.end(), code) != kThreeDecimals.end()) {
    return 3;
  }
  return code == "CLF" || code == "UYW" ? 4 : 2;
}

int PageSize(const common::v1::PageRequest& page) {
  constexpr int kDefaultPageSize = 100;
  constexpr int kMaxPageSize = 1000;
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    throw InvalidArgument("page.page_size", "must be between 0 and 1000");
  }
  return page.page_size() == 0 ? kDefaultPageSize : page.page_size();
}

void CheckId(const std::string& field, const std::string& value, size_t max_length) {
  if (value.empty()) {
    throw InvalidArgument(field, "required");
  }
  if (value.size() > max_length) {
    throw InvalidArgument(field, "must be at most " + std::to_string(max_length) + " characters");
  }
  if (!std::all_of(value.begin(), value.end(), IsIdChar)) {
    throw InvalidArgument(field, "may contain only A-Z a-z 0-9 _ . : -");
  }
}

void CheckLabel(const std::string& field, const std::string& value, size_t max_length,
                bool required) {
  if (required && value.empty()) {
    throw InvalidArgument(field, "required");
  }
  if (value.size() > max_length) {
    throw InvalidArgument(field, "must be at most " + std::to_string(max_length) + " characters");
  }
  if (!std::all_of(value.begin(), value.end(), IsLabelChar)) {
    throw InvalidArgument(field, "may contain only a-z 0-9 _ -");
  }
}

void CheckText(const std::string& field, const std::string& value, size_t max_length,
               bool required) {
  if (required && value.empty()) {
    throw InvalidArgument(field, "required");
  }
  if (value.size() > max_length) {
    throw InvalidArgument(field, "must be at most " + std::to_string(max_length) + " bytes");
  }
  if (!IsCleanUtf8(value)) {
    throw InvalidArgument(field, "must be valid UTF-8 without control characters");
  }
}

void CheckMoney(const std::string& field, const common::v1::Money& money, int64_t min_units,
                int64_t max_units) {
  if (money.currency().empty()) {
    throw InvalidArgument(field + ".currency", "required");
  }
  if (!IsKnownCurrency(money.currency())) {
    throw InvalidArgument(field + ".currency",
                          "unknown ISO 4217 code '" + money.currency().substr(0, 8) + "'");
  }
  if (money.units() < min_units || money.units() > max_units) {
    throw InvalidArgument(field + ".units", "must be from " + std::to_string(min_units) + " to " +
                                                std::to_string(max_units));
  }
}

void CheckTimestamp(const std::string& field, const google::protobuf::Timestamp& timestamp,
                    UnixMicros earliest, UnixMicros latest) {
  if (timestamp.nanos() < 0 || timestamp.nanos() > 999'999'999) {
    throw InvalidArgument(field + ".nanos", "must be from 0 to 999999999");
  }
  // Compare in seconds first so huge values cannot overflow the micros conversion.
  const int64_t seconds = timestamp.seconds();
  if (seconds < earliest / kMicrosPerSecond || seconds > latest / kMicrosPerSecond + 1 ||
      FromProtoTimestamp(timestamp) < earliest || FromProtoTimestamp(timestamp) > latest) {
    throw InvalidArgument(field, "must be between " + FormatSqlDatetime(earliest).substr(0, 19) +
                                     " and " + FormatSqlDatetime(latest).substr(0, 19) + " UTC");
  }
}

}  // namespace clienttier::validation
