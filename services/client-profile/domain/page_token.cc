#include "services/client-profile/domain/page_token.h"

#include "common/errors/domain_error.h"

namespace clienttier::profile {

namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

}  // namespace

std::string EncodePageToken(const std::string& last_client_id,
                            const std::string& filter_fingerprint) {
  const std::string plain = "v1\n" + filter_fingerprint + "\n" + last_client_id;
  std::string token;
  for (unsigned char c : plain) {
    token += kHex[c >> 4];
    token += kHex[c & 0xf];
  }
  return token;
}

std::string DecodePageToken(const std::string& token, const std::string& filter_fingerprint) {
  const auto malformed = [] {
    return InvalidArgument("page.page_token", "malformed or expired token");
  };
  if (token.size() % 2 != 0 || token.size() > 1024) {
    throw malformed();
  }
  std::string plain;
  for (size_t i = 0; i < token.size(); i += 2) {
    const int high = HexValue(token[i]);
    const int low = HexValue(token[i + 1]);
    if (high < 0 || low < 0) {
      throw malformed();
    }
    plain += static_cast<char>(high * 16 + low);
  }
  const std::string prefix = "v1\n" + filter_fingerprint + "\n";
  if (plain.rfind(prefix, 0) != 0) {
    throw InvalidArgument("page.page_token", "was issued for different filters");
  }
  return plain.substr(prefix.size());
}

}  // namespace clienttier::profile
