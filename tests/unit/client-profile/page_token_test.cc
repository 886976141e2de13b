#include "services/client-profile/domain/page_token.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"

namespace clienttier::profile {
namespace {

TEST(PageTokenTest, RoundTrips) {
  const std::string token = EncodePageToken("client:42", "filters");
  EXPECT_EQ(DecodePageToken(token, "filters"), "client:42");
}

TEST(PageTokenTest, RefusesOtherFiltersAndGarbage) {
  const std::string token = EncodePageToken("client:42", "filters");
  EXPECT_THROW(DecodePageToken(token, "other"), DomainError);
  EXPECT_THROW(DecodePageToken("zz", "filters"), DomainError);
  EXPECT_THROW(DecodePageToken("abc", "filters"), DomainError);
}

}  // namespace
}  // namespace clienttier::profile
