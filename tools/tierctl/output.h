#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace clienttier::tierctl {

// One response as pretty JSON (field names as in the .proto), or one line of JSON for
// streamed responses.
std::string ToJson(const google::protobuf::Message& message, bool one_line);

// One response for people: the message's set fields as "name: value" lines, and when it holds
// a list of messages (clients, scores, members...), that list as an aligned table. Money
// reads "1234.50 CNY", times RFC 3339.
std::string ToTable(const google::protobuf::Message& message);

// One response as CSV (RFC 4180, for spreadsheets): the rows of the list it holds (clients,
// scores, members...), or the message itself as one row when it holds none (a streamed score).
// Columns as in ToTable; money as "1234.50 CNY" in one cell. `header` adds the column names
// first (the first message of a stream).
std::string ToCsv(const google::protobuf::Message& message, bool header);

// "[##########          ] 50%  500000/1000000" for BatchRescore's progress.
std::string ProgressBar(int64_t done, int64_t total, int width = 30);

}  // namespace clienttier::tierctl
