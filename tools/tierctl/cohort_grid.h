#pragma once

#include <optional>
#include <string>

#include <google/protobuf/message.h>

namespace clienttier::tierctl {

// GetCohortReport's cohorts as two grids, acquisition months down and months since across: the
// retention in percent, then the cumulative revenue per client in major units of the report's
// currency. "" for any other message. Read through reflection (tierctl links no service's
// generated code into its output library).
std::string CohortGrid(const google::protobuf::Message& message);

// A cell of a report row that is not its stored value: a ChannelEconomics' ltv_to_cac is "—"
// when the channel has no acquisition cost (the report's 0 there is no ratio), as the console
// shows it. nullopt for every other field.
std::optional<std::string> ReportCellText(const google::protobuf::Message& row,
                                          const google::protobuf::FieldDescriptor& field);

}  // namespace clienttier::tierctl
