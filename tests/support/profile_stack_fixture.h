#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "common/server/server_host.h"
#include "services/client-profile/profile_app.h"

namespace clienttier::testing {

// What every cross-service integration test starts from: two fresh tenants with writer, admin
// and reader keys (and a service key, tenant "*"), and a real client-profile on a loopback
// port over a fresh schema of the MariaDB and Redis of scripts/test.sh. A service fixture
// derives from it and starts its own service with server_config().
class ProfileStackFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Loopback, ephemeral ports, no drain, the fixture's keys.
  ServerConfig server_config(int max_threads) const;
  // A context carrying the key and a 30 s deadline.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& api_key) const;
  // Creates the client in client-profile; an existing one is fine.
  void EnsureClient(const std::string& client_id, const std::string& api_key);
  // A purchase (category "workshop") `days_ago` days before now, of `units` CNY minor units,
  // recorded in client-profile.
  void RecordPurchase(const std::string& key, const std::string& client_id, int64_t units,
                      int days_ago, const std::string& api_key);

  std::string suffix_;
  std::string tenant_a_;
  std::string tenant_b_;
  std::string writer_a_;
  std::string writer_b_;
  std::string admin_a_;
  std::string reader_a_;
  std::string service_key_;  // tenant "*": acts for the tenant in x-tenant-id
  std::string keys_file_;
  profile::ProfileConfig profile_config_;
  std::unique_ptr<profile::ProfileApp> profile_;
  std::unique_ptr<::clienttier::profile::v1::ClientProfileService::Stub> profile_stub_;
  int profile_port_ = 0;
  int64_t now_seconds_ = 0;
};

}  // namespace clienttier::testing
