#pragma once

#include <string>

namespace clienttier {

// What a cache read that missed saw in Redis, handed to the fill that follows it
// (RedisCache::Put). The fill goes in only while the key still holds exactly what the read saw
// and, for a key in a scope, while the scope is still at the generation the read saw; so a
// change invalidated in between wins.
struct CacheMiss {
  bool seen = false;  // Redis answered the read; false (it did not): no fill
  // What the key held: an invalidation marker, a copy from an older generation of its scope,
  // or nothing (empty).
  std::string held;
  std::string scope;       // the key's scope (RedisCache), empty for a key in none
  std::string generation;  // the scope's generation when the read missed
};

}  // namespace clienttier
