#include "services/scoring/app/chunk_order.h"

#include <algorithm>

namespace clienttier::scoring {

std::vector<ChunkRef> InterleavedChunks(const std::vector<size_t>& page_sizes, size_t chunk_size,
                                        size_t regions) {
  std::vector<ChunkRef> in_order;
  for (size_t page = 0; page < page_sizes.size(); ++page) {
    for (size_t begin = 0; begin < page_sizes[page]; begin += std::max<size_t>(1, chunk_size)) {
      in_order.push_back(ChunkRef{
          page, begin, std::min(page_sizes[page], begin + std::max<size_t>(1, chunk_size))});
    }
  }
  const size_t runs = std::max<size_t>(1, std::min(regions, in_order.size()));
  if (runs <= 1) {
    return in_order;
  }
  const size_t run_length = (in_order.size() + runs - 1) / runs;
  std::vector<ChunkRef> interleaved;
  interleaved.reserve(in_order.size());
  for (size_t step = 0; step < run_length; ++step) {
    for (size_t run = 0; run < runs; ++run) {
      const size_t at = run * run_length + step;
      if (at < in_order.size()) {
        interleaved.push_back(in_order[at]);
      }
    }
  }
  return interleaved;
}

}  // namespace clienttier::scoring
