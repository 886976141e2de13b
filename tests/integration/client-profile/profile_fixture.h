#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "common/redis/stream_consumer.h"
#include "services/client-profile/profile_app.h"
#include "tests/support/test_env.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// A real client-profile (ProfileApp: the same wiring as main.cc) on a loopback port, over the
// MariaDB and Redis of scripts/test.sh, in a fresh schema with two fresh tenants.
class ProfileFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Override to point the service at another Redis (the outage tests use a private one).
  virtual RedisConfig RedisForService() { return testing::RedisFromEnv(); }
  // Override to point the service at another MariaDB (the frozen-database test uses a private
  // one).
  virtual MySqlConfig MySqlForService() {
    return testing::MySqlFromEnv(testing::UniqueDatabaseName("profile"));
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& api_key) const;
  std::unique_ptr<grpc::ClientContext> AsTenantA() const { return Context(writer_a_); }
  std::unique_ptr<grpc::ClientContext> AsTenantB() const { return Context(writer_b_); }
  std::unique_ptr<grpc::ClientContext> AsAdminA() const { return Context(admin_a_); }

  v1::Client CreateClient(const std::string& client_id, const std::string& api_key);
  v1::TransactionInput Transaction(const std::string& key, const std::string& client_id,
                                   int64_t units) const;
  // Entries of ct:events:profile of the given tenant (the stream is shared by all tests).
  std::vector<StreamEntry> EventsOf(const std::string& tenant, RedisClient& redis) const;
  // Waits (bounded) until the tenant's events on the stream reach `count`.
  std::vector<StreamEntry> WaitForEvents(const std::string& tenant, size_t count,
                                         RedisClient& redis) const;

  std::string tenant_a_;
  std::string tenant_b_;
  std::string writer_a_;
  std::string writer_b_;
  std::string admin_a_;
  std::string reader_a_;
  ProfileConfig config_;
  std::unique_ptr<ProfileApp> app_;
  std::unique_ptr<v1::ClientProfileService::Stub> stub_;
  int64_t now_seconds_ = 0;
  int port_ = 0;
};

}  // namespace clienttier::profile
