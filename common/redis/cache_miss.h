#pragma once

#include <string>

namespace clienttier {

// What a cache read that missed saw in Redis, handed to the fill that follows it
// (RedisCache::Put): the invalidation marker the key held, or none. The fill goes in only while
// the key still holds exactly that, so a change invalidated in between wins.
struct CacheMiss {
  bool seen = false;   // Redis answered the read; false (it did not): no fill
  std::string marker;  // the key's invalidation marker; empty: the key held nothing
};

}  // namespace clienttier
