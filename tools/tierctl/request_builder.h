#pragma once

#include <string>
#include <vector>

#include <google/protobuf/message.h>

namespace clienttier::tierctl {

// Fills a request from `--json=...` (applied first) and `--field=value` flags, where field is a
// proto field path with dashes or underscores ("--client-id", "--amount.units",
// "--page.page-size"). Values: numbers, true/false, enum names with or without their prefix
// ("T1" or "TIER_T1"), RFC 3339 times for Timestamp fields ("2026-11-24T10:00:00Z", or a UTC
// day "2026-11-24" for its midnight, as --as-of and --calibration-end take it), and for
// repeated fields a comma-separated list or the flag repeated. Returns an error message, or ""
// when every flag found its field.
std::string BuildRequest(const std::vector<std::pair<std::string, std::string>>& flags,
                         google::protobuf::Message& request);

// "client_id (string), page.page_size (int32), ..." for --help: the flags a request takes.
std::vector<std::string> DescribeFields(const google::protobuf::Descriptor& descriptor);

}  // namespace clienttier::tierctl
