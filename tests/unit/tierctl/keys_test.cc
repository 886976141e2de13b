// tierctl keys new: the line it prints admits its key through the real ApiKeyStore, with the
// tenant and role asked for, and the line holds only the key's digest.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "common/auth/api_key_store.h"
#include "common/errors/domain_error.h"
#include "tools/tierctl/keys.h"

namespace clienttier::tierctl {
namespace {

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += text;
  }
  return out;
}

TEST(KeysTest, TheLineAdmitsTheKeyWithItsTenantAndRoleThroughTheRealStore) {
  NewKey key;
  ASSERT_EQ(MakeKey("acme", "writer", std::string(32, '\x5a'), &key), "");
  EXPECT_EQ(key.key, "ct_" + Repeat("5a", 32));
  EXPECT_EQ(key.line.find(key.key), std::string::npos);  // the key itself is never in the line
  EXPECT_EQ(key.line, ApiKeyStore::Sha256Hex(key.key) + " acme writer");

  char path[] = "/tmp/ct-keys-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# minted by tierctl keys new\n" << key.line << "\n";
  ApiKeyStore store(path);
  const Caller caller = store.AuthenticateKey(key.key, Role::kWriter);
  EXPECT_EQ(caller.tenant_id, "acme");
  EXPECT_EQ(caller.role, Role::kWriter);
  EXPECT_THROW(store.AuthenticateKey(key.key, Role::kAdmin), DomainError);  // above its role
  NewKey other;
  ASSERT_EQ(MakeKey("acme", "writer", std::string(32, '\x01'), &other), "");
  EXPECT_NE(other.key, key.key);
  EXPECT_THROW(store.AuthenticateKey(other.key, Role::kReader), DomainError);  // not in the file
  std::remove(path);
}

TEST(KeysTest, BadTenantOrRoleIsRefusedNamingTheFlag) {
  NewKey key;
  const std::string bytes(32, '\x11');
  EXPECT_EQ(MakeKey("*", "reader", bytes, &key), "");  // a service key
  EXPECT_NE(MakeKey("", "reader", bytes, &key).find("--tenant"), std::string::npos);
  EXPECT_NE(MakeKey("a b", "reader", bytes, &key).find("--tenant"), std::string::npos);
  EXPECT_NE(MakeKey("a#b", "reader", bytes, &key).find("--tenant"), std::string::npos);
  EXPECT_NE(MakeKey(std::string(65, 't'), "reader", bytes, &key).find("--tenant"),
            std::string::npos);
  EXPECT_NE(MakeKey("acme", "owner", bytes, &key).find("--role"), std::string::npos);
  EXPECT_NE(MakeKey("acme", "reader", std::string(8, 'x'), &key), "");
}

}  // namespace
}  // namespace clienttier::tierctl
