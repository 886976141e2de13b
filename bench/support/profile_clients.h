#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"

namespace clienttier::bench {

// A tag unique to this run (milliseconds since the epoch), so client ids and idempotency keys
// never collide with an earlier run's against the same databases.
std::string RunTag();

int64_t UnixSecondsNow();

std::string Describe(const grpc::Status& status);

// A call context carrying the API key, with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> KeyedContext(const std::string& api_key,
                                                  std::chrono::milliseconds timeout);

// Creates `client_ids` through client-profile's ImportClients, in streams of `per_stream`
// clients. False (and a line on stdout) when a stream fails or a client is rejected.
bool ImportClients(::clienttier::profile::v1::ClientProfileService::Stub& profile,
                   const std::string& api_key, const std::vector<std::string>& client_ids,
                   size_t per_stream = 10000);

}  // namespace clienttier::bench
