#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "clienttier/common/v1/money.pb.h"

namespace clienttier::tools {

// "--name=value" flags into a map; false (after printing `usage`) on an unknown flag or a
// missing required one.
bool ParseFlags(int argc, char** argv, const std::vector<std::string>& required,
                const std::vector<std::string>& optional, const std::string& usage,
                std::map<std::string, std::string>* values);

// "INVALID_ARGUMENT: client_id: required".
std::string Describe(const grpc::Status& status);

// Minor units to "123.45 CNY" (two minor digits, as CNY and USD have).
std::string FormatMoney(const ::clienttier::common::v1::Money& money);
::clienttier::common::v1::Money Cny(int64_t fen);

// A context carrying the API key and a deadline.
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& api_key,
                                                 std::chrono::seconds timeout);

}  // namespace clienttier::tools
