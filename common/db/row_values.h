#pragma once

#include <cstdint>
#include <string_view>

namespace clienttier {

// The values of one row being written, whatever carries them to the server: SQL literals
// (SqlText) or LOAD DATA fields (LoadDataRows). A table's row layout is written once, against
// this, and serves both.
class RowValues {
 public:
  virtual RowValues& Str(std::string_view value) = 0;
  virtual RowValues& Int(int64_t value) = 0;
  // Written so that the column gets the same double back; a NaN or infinity is refused.
  virtual RowValues& Double(double value) = 0;
  // Any bytes (a serialized proto), never read as text in a character set.
  virtual RowValues& Bytes(std::string_view value) = 0;
  virtual RowValues& Null() = 0;

 protected:
  ~RowValues() = default;
};

}  // namespace clienttier
