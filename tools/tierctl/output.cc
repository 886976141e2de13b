#include "tools/tierctl/output.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "common/validation/validation.h"
#include "tools/tierctl/cohort_grid.h"

namespace clienttier::tierctl {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsMoney(const Descriptor& type) { return type.full_name() == "clienttier.common.v1.Money"; }
bool IsTimestamp(const Descriptor& type) { return type.full_name() == "google.protobuf.Timestamp"; }

std::string FormatMoney(const Message& money) {
  const Descriptor& type = *money.GetDescriptor();
  const Reflection& reflection = *money.GetReflection();
  const int64_t units = reflection.GetInt64(money, type.FindFieldByName("units"));
  const std::string currency = reflection.GetString(money, type.FindFieldByName("currency"));
  const int exponent = validation::CurrencyExponent(currency);
  int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) {
    scale *= 10;
  }
  std::string text = std::to_string(units / scale);
  if (exponent > 0) {
    std::string fraction = std::to_string((units < 0 ? -units : units) % scale);
    fraction.insert(0, static_cast<size_t>(exponent) - fraction.size(), '0');
    if (units < 0 && units / scale == 0) {
      text = "-" + text;
    }
    text += "." + fraction;
  }
  return text + (currency.empty() ? "" : " " + currency);
}

std::string MessageText(const Message& message) {
  const Descriptor& type = *message.GetDescriptor();
  if (IsMoney(type)) {
    return FormatMoney(message);
  }
  if (IsTimestamp(type)) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(message, &json);
    return json.size() >= 2 ? json.substr(1, json.size() - 2) : json;
  }
  return ToJson(message, true);
}

std::string ValueText(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? reflection.GetRepeatedString(message, &field, index)
                      : reflection.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(repeated ? reflection.GetRepeatedInt32(message, &field, index)
                                     : reflection.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(repeated ? reflection.GetRepeatedInt64(message, &field, index)
                                     : reflection.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(repeated ? reflection.GetRepeatedUInt32(message, &field, index)
                                     : reflection.GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(repeated ? reflection.GetRepeatedUInt64(message, &field, index)
                                     : reflection.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const double value = field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE
                               ? (repeated ? reflection.GetRepeatedDouble(message, &field, index)
                                           : reflection.GetDouble(message, &field))
                               : (repeated ? reflection.GetRepeatedFloat(message, &field, index)
                                           : reflection.GetFloat(message, &field));
      std::ostringstream text;
      text << value;
      return text.str();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? reflection.GetRepeatedBool(message, &field, index)
                       : reflection.GetBool(message, &field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (repeated ? reflection.GetRepeatedEnum(message, &field, index)
                       : reflection.GetEnum(message, &field))
          ->name();
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageText(repeated ? reflection.GetRepeatedMessage(message, &field, index)
                                  : reflection.GetMessage(message, &field));
  }
  return "";
}

std::string FieldText(const Message& message, const FieldDescriptor& field) {
  if (std::optional<std::string> text = ReportCellText(message, field)) {
    return *text;
  }
  if (!field.is_repeated()) {
    // An unset time or amount is blank, not the epoch or zero.
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !message.GetReflection()->HasField(message, &field)) {
      return "";
    }
    return ValueText(message, field, 0);
  }
  std::string text;
  const int size = message.GetReflection()->FieldSize(message, &field);
  for (int i = 0; i < size; ++i) {
    text += (i > 0 ? ", " : "") + ValueText(message, field, i);
  }
  return text;
}

// Columns text takes in a terminal, counted in UTF-8 code points (continuation bytes take
// none), so a "—" or a name in Chinese does not push the columns after it out of line.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (const char c : text) {
    width += (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;
  }
  return width;
}

// Columns of a table of `type`: its fields, with messages other than Money and Timestamp
// left to the JSON output.
std::vector<const FieldDescriptor*> Columns(const Descriptor& type) {
  std::vector<const FieldDescriptor*> columns;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    const Descriptor* nested = field->message_type();
    if (nested == nullptr || IsMoney(*nested) || IsTimestamp(*nested)) {
      columns.push_back(field);
    }
  }
  return columns;
}

std::string Table(const Message& message, const FieldDescriptor& list) {
  const Reflection& reflection = *message.GetReflection();
  const int rows = reflection.FieldSize(message, &list);
  const auto columns = Columns(*list.message_type());
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  std::vector<std::string> header;
  for (const FieldDescriptor* column : columns) {
    header.push_back(column->name());
    widths.push_back(column->name().size());
  }
  for (int r = 0; r < rows; ++r) {
    const Message& row = reflection.GetRepeatedMessage(message, &list, r);
    std::vector<std::string> line;
    for (size_t c = 0; c < columns.size(); ++c) {
      line.push_back(FieldText(row, *columns[c]));
      widths[c] = std::max(widths[c], DisplayWidth(line.back()));
    }
    cells.push_back(std::move(line));
  }
  std::string text;
  auto emit = [&](const std::vector<std::string>& line) {
    for (size_t c = 0; c < line.size(); ++c) {
      std::string cell = line[c];
      if (c + 1 < line.size()) {
        cell.append(widths[c] + 2 - DisplayWidth(cell), ' ');
      }
      text += cell;
    }
    text += "\n";
  };
  emit(header);
  for (const auto& line : cells) {
    emit(line);
  }
  return text;
}

// RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled.
std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += (i > 0 ? "," : "") + CsvCell(cells[i]);
  }
  return line + "\r\n";
}

// The first repeated field of messages (other than Money) in `type`: the list a List RPC answers.
const FieldDescriptor* ListField(const Descriptor& type) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->is_repeated() && field->message_type() != nullptr &&
        !IsMoney(*field->message_type())) {
      return field;
    }
  }
  return nullptr;
}

}  // namespace

std::string ToCsv(const Message& message, bool header) {
  const FieldDescriptor* list = ListField(*message.GetDescriptor());
  const Descriptor& row_type = list != nullptr ? *list->message_type() : *message.GetDescriptor();
  const auto columns = Columns(row_type);
  std::string text;
  if (header) {
    std::vector<std::string> names;
    for (const FieldDescriptor* column : columns) {
      names.push_back(column->name());
    }
    text += CsvLine(names);
  }
  const auto row_text = [&](const Message& row) {
    std::vector<std::string> cells;
    for (const FieldDescriptor* column : columns) {
      cells.push_back(FieldText(row, *column));
    }
    text += CsvLine(cells);
  };
  if (list == nullptr) {
    row_text(message);
    return text;
  }
  const Reflection& reflection = *message.GetReflection();
  for (int r = 0; r < reflection.FieldSize(message, list); ++r) {
    row_text(reflection.GetRepeatedMessage(message, list, r));
  }
  return text;
}

std::string ToJson(const Message& message, bool one_line) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = !one_line;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!json.empty() && json.back() == '\n') {
    json.pop_back();
  }
  return json;
}

std::string ToTable(const Message& message) {
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& reflection = *message.GetReflection();
  std::string lines;
  // Every list of messages becomes a table after the single fields; the first one unnamed (the
  // list a List RPC answers), any further one under its field name (an evaluation's rows of
  // purchases and of spend).
  std::vector<const FieldDescriptor*> lists;
  std::vector<const FieldDescriptor*> set;
  reflection.ListFields(message, &set);
  for (const FieldDescriptor* field : set) {
    const Descriptor* nested = field->message_type();
    if (field->is_repeated() && nested != nullptr && !IsMoney(*nested)) {
      lists.push_back(field);
      continue;
    }
    if (nested != nullptr && !field->is_repeated() && !IsMoney(*nested) && !IsTimestamp(*nested)) {
      // One level of nesting as dotted names (rfm.recency_days).
      const Message& inner = reflection.GetMessage(message, field);
      std::vector<const FieldDescriptor*> inner_set;
      inner.GetReflection()->ListFields(inner, &inner_set);
      for (const FieldDescriptor* inner_field : inner_set) {
        lines += field->name() + "." + inner_field->name() + ": " + FieldText(inner, *inner_field) +
                 "\n";
      }
      continue;
    }
    lines += field->name() + ": " + FieldText(message, *field) + "\n";
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    if (i > 0) {
      lines += "\n" + lists[i]->name() + ":\n";
    }
    lines += Table(message, *lists[i]);
  }
  // A report with a grid in its rows (GetCohortReport's cells) shows the grid too.
  lines += CohortGrid(message);
  if (lines.empty()) {
    lines = "(" + type.name() + ": nothing set)\n";
  }
  return lines;
}

std::string ProgressBar(int64_t done, int64_t total, int width) {
  const double share = total > 0 ? std::min(1.0, static_cast<double>(done) / total) : 1.0;
  const int filled = static_cast<int>(share * width);
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(width - filled), ' ') + "] ";
  bar += std::to_string(static_cast<int>(share * 100)) + "%  " + std::to_string(done) + "/" +
         std::to_string(total);
  return bar;
}

}  // namespace clienttier::tierctl
