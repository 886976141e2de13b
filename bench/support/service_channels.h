#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

namespace clienttier::bench {

// The two services the event-path benchmarks drive: client-profile (the writes) and scoring
// (the reads of what it applied).
struct ProfileAndScoringChannels {
  std::shared_ptr<grpc::Channel> profile;
  std::shared_ptr<grpc::Channel> scoring;
};

// Channels to client-profile at `profile` and scoring at `scoring` (host:port), both connected
// within `timeout`; nullopt, after a line on stdout naming `program`, when one is not.
std::optional<ProfileAndScoringChannels> ConnectProfileAndScoring(const std::string& program,
                                                                  const std::string& profile,
                                                                  const std::string& scoring,
                                                                  std::chrono::seconds timeout);

}  // namespace clienttier::bench
