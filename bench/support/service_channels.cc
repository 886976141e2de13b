#include "bench/support/service_channels.h"

#include <cstdio>

namespace clienttier::bench {

std::optional<ProfileAndScoringChannels> ConnectProfileAndScoring(const std::string& program,
                                                                  const std::string& profile,
                                                                  const std::string& scoring,
                                                                  std::chrono::seconds timeout) {
  ProfileAndScoringChannels channels{
      grpc::CreateChannel(profile, grpc::InsecureChannelCredentials()),
      grpc::CreateChannel(scoring, grpc::InsecureChannelCredentials())};
  const auto deadline = std::chrono::system_clock::now() + timeout;
  if (!channels.profile->WaitForConnected(deadline) ||
      !channels.scoring->WaitForConnected(deadline)) {
    std::printf("%s: cannot connect to %s and %s\n", program.c_str(), profile.c_str(),
                scoring.c_str());
    return std::nullopt;
  }
  return channels;
}

}  // namespace clienttier::bench
