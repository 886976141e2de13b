#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace clienttier::tierctl {

// GetCohortReport's cohorts as two grids, acquisition months down and months since across: the
// retention in percent, then the cumulative revenue per client in major units of the report's
// currency. "" for any other message. Read through reflection (tierctl links no service's
// generated code into its output library).
std::string CohortGrid(const google::protobuf::Message& message);

}  // namespace clienttier::tierctl
