#include "bench/support/profile_clients.h"

#include <algorithm>
#include <cstdio>

namespace clienttier::bench {

namespace pv1 = ::clienttier::profile::v1;

namespace {

// One stream of 10,000 clients is a few seconds; under a loaded MariaDB it may be much more.
constexpr std::chrono::minutes kImportTimeout{5};

}  // namespace

std::string RunTag() {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

int64_t UnixSecondsNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Describe(const grpc::Status& status) {
  return "code " + std::to_string(static_cast<int>(status.error_code())) + ": " +
         status.error_message();
}

std::unique_ptr<grpc::ClientContext> KeyedContext(const std::string& api_key,
                                                  std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

bool ImportClients(pv1::ClientProfileService::Stub& profile, const std::string& api_key,
                   const std::vector<std::string>& client_ids, size_t per_stream) {
  for (size_t begin = 0; begin < client_ids.size(); begin += per_stream) {
    const size_t end = std::min(client_ids.size(), begin + per_stream);
    auto context = KeyedContext(api_key, kImportTimeout);
    pv1::ImportClientsResponse response;
    auto writer = profile.ImportClients(context.get(), &response);
    pv1::ImportClientsRequest item;
    bool written = true;
    for (size_t i = begin; i < end && written; ++i) {
      pv1::Client* client = item.mutable_client();
      client->set_client_id(client_ids[i]);
      client->mutable_acquisition()->set_channel("bench");
      written = writer->Write(item);
    }
    if (written) {
      writer->WritesDone();
    }
    const grpc::Status status = writer->Finish();
    if (!status.ok()) {
      std::printf("setup: ImportClients failed: %s\n", Describe(status).c_str());
      return false;
    }
    if (response.created_count() + response.existing_count() != static_cast<int64_t>(end - begin)) {
      std::printf("setup: ImportClients rejected %lld of %zu clients\n",
                  static_cast<long long>(response.rejected_count()), end - begin);
      return false;
    }
  }
  return true;
}

}  // namespace clienttier::bench
