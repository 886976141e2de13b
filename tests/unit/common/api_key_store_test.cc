#include "common/auth/api_key_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/errors/domain_error.h"
#include "tests/support/test_env.h"

namespace clienttier {
namespace {

ErrorKind KindOf(ApiKeyStore& store, const std::string& key, Role role) {
  try {
    store.AuthenticateKey(key, role);
  } catch (const DomainError& error) {
    return error.kind();
  }
  return ErrorKind::kInternal;  // "no error" sentinel for these tests
}

TEST(ApiKeyStoreTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(ApiKeyStore::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeyStoreTest, MapsKeysToTenantAndRole) {
  ApiKeyStore store(testing::WriteApiKeysFile("key-a tenant-a writer\nkey-b tenant-b reader\n"));
  const Caller caller = store.AuthenticateKey("key-a", Role::kReader);
  EXPECT_EQ(caller.tenant_id, "tenant-a");
  EXPECT_EQ(caller.role, Role::kWriter);
  EXPECT_EQ(caller.key_id, ApiKeyStore::Sha256Hex("key-a").substr(0, 8));
  EXPECT_EQ(KindOf(store, "key-b", Role::kWriter), ErrorKind::kPermissionDenied);
  EXPECT_EQ(KindOf(store, "nope", Role::kReader), ErrorKind::kUnauthenticated);
  EXPECT_EQ(KindOf(store, "", Role::kReader), ErrorKind::kUnauthenticated);
}

TEST(ApiKeyStoreTest, SkipsMalformedLinesAndComments) {
  const std::string path = testing::WriteApiKeysFile("key-a tenant-a admin\n");
  {
    std::ofstream file(path, std::ios::app);
    file << "# a comment\nnot-a-hash tenant-x admin\n"
         << ApiKeyStore::Sha256Hex("k") << " t superuser\n";
  }
  ApiKeyStore store(path);
  EXPECT_EQ(store.AuthenticateKey("key-a", Role::kAdmin).tenant_id, "tenant-a");
  EXPECT_EQ(KindOf(store, "k", Role::kReader), ErrorKind::kUnauthenticated);
}

TEST(ApiKeyStoreTest, AMissingFileFailsAtStart) {
  EXPECT_THROW(ApiKeyStore("/nonexistent/keys"), std::invalid_argument);
}

}  // namespace
}  // namespace clienttier
