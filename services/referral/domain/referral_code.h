#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace clienttier::referral {

// Codes are 10 characters of Crockford's base32 alphabet (digits and letters without I, L, O,
// U), 50 random bits: short enough to read out on the phone, and with a million active codes
// a guess hits one with probability 1e6 / 2^50 ~ 1e-9.
inline constexpr size_t kCodeLength = 10;

// The rule a malformed code breaks, for INVALID_ARGUMENT messages.
inline constexpr char kCodeRule[] = "must be 10 characters of 0-9 and A-Z without I, L, O, U";

// Returns 64 uniformly random bits; the service passes a CSPRNG, tests a fixed sequence.
using RandomBits = std::function<uint64_t()>;

std::string GenerateCode(const RandomBits& random);

// The canonical form of what a person typed: upper case, hyphens and spaces dropped, and the
// look-alikes Crockford allows read as what they look like (O -> 0, I and L -> 1). Empty when
// it cannot be a code.
std::optional<std::string> NormalizeCode(std::string_view input);

// 64 bits from the operating system's CSPRNG (getrandom). Throws Internal if it fails.
uint64_t SecureRandomBits();

}  // namespace clienttier::referral
