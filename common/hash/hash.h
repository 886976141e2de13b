#pragma once

#include <cstdint>
#include <string_view>

// The two non-cryptographic hashes ClientTier uses, defined once. Both are fixed by their
// published definitions, so anything derived from them (holdout buckets, rescoring shards,
// migration checksums, demo data) is the same on every platform and in every build.
namespace clienttier {

// FNV-1a, 64 bits (Fowler, Noll and Vo): for each byte, h ^= byte; h *= prime.
inline constexpr uint64_t kFnv1a64OffsetBasis = 14695981039346656037ULL;  // 0xcbf29ce484222325
inline constexpr uint64_t kFnv1a64Prime = 1099511628211ULL;               // 0x100000001b3

// `state` continues an earlier hash, so Fnv1a64(b, Fnv1a64(a)) == Fnv1a64(a + b).
constexpr uint64_t Fnv1a64(std::string_view bytes, uint64_t state = kFnv1a64OffsetBasis) {
  for (const char c : bytes) {
    state ^= static_cast<unsigned char>(c);
    state *= kFnv1a64Prime;
  }
  return state;
}

// SplitMix64 (Steele, Lea and Flood 2014; Vigna's reference splitmix64.c).
inline constexpr uint64_t kSplitMix64Increment = 0x9e3779b97f4a7c15ULL;

// The output function alone (a strong 64-bit mixer), without the state increment.
constexpr uint64_t SplitMix64Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The generator: a fixed sequence per seed on every platform (std:: distributions are not
// portable, and the demo data and benchmark inputs must be the same wherever they are made).
class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}
  constexpr uint64_t Next() {
    state_ += kSplitMix64Increment;
    return SplitMix64Mix(state_);
  }
  // Uniform in [0, 1) from the top 53 bits.
  constexpr double NextUnit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace clienttier
