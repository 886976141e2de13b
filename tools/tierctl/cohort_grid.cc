#include "tools/tierctl/cohort_grid.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "common/validation/validation.h"

namespace clienttier::tierctl {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kCohortReport[] = "clienttier.scoring.v1.CohortReport";
constexpr char kChannelEconomics[] = "clienttier.scoring.v1.ChannelEconomics";

std::string Fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// One grid: a line per cohort (month, clients, then a cell per month since).
std::string Grid(const std::string& title, const std::vector<std::vector<std::string>>& rows,
                 size_t most_cells) {
  std::vector<std::string> header = {"month", "clients"};
  for (size_t m = 0; m < most_cells; ++m) {
    header.push_back("m" + std::to_string(m));
  }
  std::vector<size_t> widths(header.size(), 0);
  for (size_t c = 0; c < header.size(); ++c) {
    widths[c] = header[c].size();
  }
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  std::string text = "\n" + title + ":\n";
  auto emit = [&](const std::vector<std::string>& line) {
    std::string out;
    for (size_t c = 0; c < line.size(); ++c) {
      std::string cell = line[c];
      if (c + 1 < line.size()) {
        cell.resize(widths[c] + 2, ' ');
      }
      out += cell;
    }
    text += out + "\n";
  };
  emit(header);
  for (const auto& row : rows) {
    emit(row);
  }
  return text;
}

}  // namespace

std::string CohortGrid(const Message& message) {
  const Descriptor& type = *message.GetDescriptor();
  if (type.full_name() != kCohortReport) {
    return "";
  }
  const Reflection& reflection = *message.GetReflection();
  const FieldDescriptor& cohorts = *type.FindFieldByName("cohorts");
  const std::string currency = reflection.GetString(message, type.FindFieldByName("currency"));
  double scale = 1.0;
  const int exponent = validation::CurrencyExponent(currency);
  for (int i = 0; i < exponent; ++i) {
    scale *= 10.0;
  }
  std::vector<std::vector<std::string>> retention;
  std::vector<std::vector<std::string>> revenue;
  size_t most_cells = 0;
  for (int r = 0; r < reflection.FieldSize(message, &cohorts); ++r) {
    const Message& row = reflection.GetRepeatedMessage(message, &cohorts, r);
    const Descriptor& row_type = *row.GetDescriptor();
    const Reflection& row_reflection = *row.GetReflection();
    const std::vector<std::string> head = {
        row_reflection.GetString(row, row_type.FindFieldByName("acquisition_month")),
        std::to_string(row_reflection.GetInt64(row, row_type.FindFieldByName("clients")))};
    retention.push_back(head);
    revenue.push_back(head);
    const FieldDescriptor& cells = *row_type.FindFieldByName("cells");
    const int count = row_reflection.FieldSize(row, &cells);
    most_cells = std::max(most_cells, static_cast<size_t>(count));
    for (int c = 0; c < count; ++c) {
      const Message& cell = row_reflection.GetRepeatedMessage(row, &cells, c);
      const Descriptor& cell_type = *cell.GetDescriptor();
      const Reflection& cell_reflection = *cell.GetReflection();
      retention.back().push_back(Fixed(
          cell_reflection.GetDouble(cell, cell_type.FindFieldByName("retention_percent")), 1));
      revenue.back().push_back(
          Fixed(cell_reflection.GetDouble(
                    cell, cell_type.FindFieldByName("cumulative_revenue_per_client_minor")) /
                    scale,
                exponent));
    }
  }
  if (retention.empty()) {
    return "";
  }
  return Grid("retention % by months since acquisition", retention, most_cells) +
         Grid("cumulative revenue per client (" + currency + ") by months since acquisition",
              revenue, most_cells);
}

std::optional<std::string> ReportCellText(const Message& row, const FieldDescriptor& field) {
  const Descriptor& type = *row.GetDescriptor();
  if (type.full_name() != kChannelEconomics || field.name() != "ltv_to_cac") {
    return std::nullopt;
  }
  const Reflection& reflection = *row.GetReflection();
  const FieldDescriptor* cost = type.FindFieldByName("acquisition_cost");
  int64_t cost_units = 0;
  if (cost != nullptr && reflection.HasField(row, cost)) {
    const Message& money = reflection.GetMessage(row, cost);
    cost_units =
        money.GetReflection()->GetInt64(money, money.GetDescriptor()->FindFieldByName("units"));
  }
  if (cost_units != 0) {
    return Fixed(reflection.GetDouble(row, &field), 2);
  }
  return std::string("\u2014");
}

}  // namespace clienttier::tierctl
