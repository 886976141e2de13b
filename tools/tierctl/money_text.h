#pragma once

#include <cstdint>
#include <string>

namespace clienttier::tierctl {

// Money as people write it: "500.00 CNY", "500 CNY", "CNY 500.5", "1,250.00 USD", "-20 CNY"
// (a sign for adjustments; the service decides what it accepts). The currency is required and
// must be a known ISO 4217 code; the number may have at most that currency's decimals (2 for
// CNY, 0 for JPY, 3 for KWD), so "500.001 CNY" is refused rather than rounded. Sets `units` in
// minor units (50000 for "500 CNY") and returns "", or returns what is wrong.
std::string ParseMoneyText(const std::string& text, int64_t* units, std::string* currency);

}  // namespace clienttier::tierctl
