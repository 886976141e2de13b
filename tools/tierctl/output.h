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

// "[##########          ] 50%  500000/1000000" for BatchRescore's progress.
std::string ProgressBar(int64_t done, int64_t total, int width = 30);

}  // namespace clienttier::tierctl
