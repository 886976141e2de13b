#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "clienttier/common/v1/money.pb.h"
#include "clienttier/common/v1/paging.pb.h"
#include "common/errors/domain_error.h"
#include "common/time/utc_time.h"

namespace clienttier::validation {

// Each check throws InvalidArgument(field, rule) on failure, so callers read top to bottom.

// True for the active ISO 4217 alphabetic codes.
bool IsKnownCurrency(std::string_view code);
// Decimals of a currency's minor unit (ISO 4217): 2 for CNY, 0 for JPY, 3 for KWD.
int CurrencyExponent(std::string_view code);

// 1..max_length characters of [A-Za-z0-9_.:-]: client ids, idempotency keys.
void CheckId(const std::string& field, const std::string& value, size_t max_length);
// 0..max_length (or 1.. when required) characters of [a-z0-9_-]: tags, categories, channels.
void CheckLabel(const std::string& field, const std::string& value, size_t max_length,
                bool required);
// Any valid UTF-8 text up to max_length bytes (0 allowed unless required), no control chars.
void CheckText(const std::string& field, const std::string& value, size_t max_length,
               bool required);
// units in [min_units, max_units] and a known currency.
void CheckMoney(const std::string& field, const common::v1::Money& money, int64_t min_units,
                int64_t max_units);
// A timestamp with nanos in range, between earliest and latest (inclusive).
void CheckTimestamp(const std::string& field, const google::protobuf::Timestamp& timestamp,
                    UnixMicros earliest, UnixMicros latest);
// A List RPC's page size: 0 means the default (100); 1 to 1000 as asked; anything else is
// InvalidArgument("page.page_size", ...).
int PageSize(const common::v1::PageRequest& page);
// A proto3 enum value that is a known value of the enum and, when required, not 0.
template <typename IsValidFn>
void CheckEnum(const std::string& field, int value, IsValidFn is_valid, bool required) {
  if (!is_valid(value)) {
    throw InvalidArgument(field, "unknown value " + std::to_string(value));
  }
  if (required && value == 0) {
    throw InvalidArgument(field, "required (must not be UNSPECIFIED)");
  }
}

}  // namespace clienttier::validation
