#include "services/referral/domain/referral_code.h"

#include <sys/random.h>

#include "common/errors/domain_error.h"

namespace clienttier::referral {

namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kBitsPerChar = 5;

bool InAlphabet(char c) {
  for (size_t i = 0; i + 1 < sizeof(kAlphabet); ++i) {
    if (kAlphabet[i] == c) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string GenerateCode(const RandomBits& random) {
  uint64_t bits = random();
  std::string code(kCodeLength, '0');
  for (size_t i = 0; i < kCodeLength; ++i) {
    code[i] = kAlphabet[bits & 0x1F];
    bits >>= kBitsPerChar;
  }
  return code;
}

std::optional<std::string> NormalizeCode(std::string_view input) {
  if (input.size() > 3 * kCodeLength) {
    return std::nullopt;
  }
  std::string code;
  for (char c : input) {
    if (c == '-' || c == ' ') {
      continue;
    }
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    if (c == 'O') {
      c = '0';
    } else if (c == 'I' || c == 'L') {
      c = '1';
    }
    if (!InAlphabet(c)) {
      return std::nullopt;
    }
    code.push_back(c);
  }
  if (code.size() != kCodeLength) {
    return std::nullopt;
  }
  return code;
}

uint64_t SecureRandomBits() {
  uint64_t bits = 0;
  if (getrandom(&bits, sizeof(bits), 0) != static_cast<ssize_t>(sizeof(bits))) {
    throw Internal("getrandom failed");
  }
  return bits;
}

}  // namespace clienttier::referral
