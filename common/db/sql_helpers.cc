#include "common/db/sql_helpers.h"

namespace clienttier {

std::string Placeholders(size_t count) {
  std::string text;
  text.reserve(count * 3);
  for (size_t i = 0; i < count; ++i) {
    text += i == 0 ? "?" : ", ?";
  }
  return text;
}

std::string RowPlaceholders(size_t rows, size_t columns) {
  const std::string row = "(" + Placeholders(columns) + ")";
  std::string text;
  text.reserve(rows * (row.size() + 2));
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) {
      text += ", ";
    }
    text += row;
  }
  return text;
}

}  // namespace clienttier
