#pragma once

#include <string>

namespace clienttier::scoring {

// Numbers in reasons and explanations: at most `decimals` places, trailing zeros dropped, so
// a threshold reads "80" and a score "81.25".
std::string FormatDecimal(double value, int decimals);
inline std::string FormatScore(double score) { return FormatDecimal(score, 2); }
inline std::string FormatProbability(double probability) { return FormatDecimal(probability, 3); }

}  // namespace clienttier::scoring
