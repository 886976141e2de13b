#pragma once

#include <cstddef>
#include <vector>

namespace clienttier::scoring {

// One chunk of a tenant held in pages: clients [begin, end) of page `page`.
struct ChunkRef {
  size_t page = 0;
  size_t begin = 0;
  size_t end = 0;
};

// The chunks (up to `chunk_size` clients, never across a page) of pages of `page_sizes` clients
// in key order, split into `regions` contiguous runs of about equal chunk counts and taken from
// the runs in turn: with `regions` writes in flight, each writes its own part of the key range.
// Three writes in flight on neighbouring keys took rescore-bench's 1M-score write phase 13.5 s,
// in separate thirds 8.9 s (the write limit's shape), likely because neighbouring rows share
// index pages and their latches. One region: plain key order.
std::vector<ChunkRef> InterleavedChunks(const std::vector<size_t>& page_sizes, size_t chunk_size,
                                        size_t regions);

}  // namespace clienttier::scoring
