// ReadRanges: the ranges a BatchRescore reads its tenant or shard in.
#include "services/scoring/app/read_ranges.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "services/scoring/storage/aggregate_repository.h"

namespace clienttier::scoring {
namespace {

// `count` ids "<prefix>00000".. in order.
std::vector<std::string> Ids(const std::string& prefix, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    char id[16];
    std::snprintf(id, sizeof(id), "%05d", i);
    ids.push_back(prefix + id);
  }
  return ids;
}

// PageEnd over sorted ids, keeping every call's arguments.
struct FakePageEnd {
  std::vector<std::string> ids;
  std::vector<std::tuple<int, std::string, int>> calls;

  ReadRanges::PageEnd Function() {
    return [this](int bucket, const std::string& after, int limit) -> std::optional<std::string> {
      calls.emplace_back(bucket, after, limit);
      int listed = 0;
      for (const std::string& id : ids) {
        if (id > after && ++listed == limit) {
          return id;
        }
      }
      return std::nullopt;
    };
  }
};

TEST(ReadRangesTest, AWholeTenantIsReadInRangesOfThePrimaryKeyUpToThePageEnds) {
  FakePageEnd page_end{Ids("c", 12000), {}};
  ReadRanges ranges(page_end.Function(), 5000);
  std::vector<ClientRange> read;
  while (std::optional<ClientRange> range = ranges.Next()) {
    read.push_back(*range);
  }
  ASSERT_EQ(read.size(), 3u);
  for (const ClientRange& range : read) {
    EXPECT_TRUE(range.buckets.empty());
  }
  EXPECT_EQ(read[0].after_client_id, "");
  EXPECT_EQ(read[0].last_client_id, "c04999");
  EXPECT_EQ(read[1].after_client_id, "c04999");
  EXPECT_EQ(read[1].last_client_id, "c09999");
  EXPECT_EQ(read[2].after_client_id, "c09999");
  EXPECT_EQ(read[2].last_client_id, std::nullopt);  // to the tenant's end
  for (const auto& [bucket, after, limit] : page_end.calls) {
    EXPECT_EQ(bucket, kEveryBucket);
    EXPECT_EQ(limit, 5000);
  }
  EXPECT_EQ(page_end.calls.size(), 3u);
  EXPECT_FALSE(ranges.Next().has_value());  // and stays ended, without another read
  EXPECT_EQ(page_end.calls.size(), 3u);
}

TEST(ReadRangesTest, AShardReadsRunsOfWholeBucketsAndALargeBucketInPagesOfItsIds) {
  FakePageEnd page_end{Ids("b11-", 9000), {}};  // bucket 11's clients
  ReadRanges ranges(page_end.Function(), 5000,
                    {{3, 2000}, {7, 2500}, {11, 9000}, {15, 100}, {19, 4000}, {23, 1000}});
  std::vector<ClientRange> read;
  while (std::optional<ClientRange> range = ranges.Next()) {
    read.push_back(*range);
  }
  ASSERT_EQ(read.size(), 5u);
  // Whole buckets while their clients fit in a page: no range of ids, no read for its end.
  EXPECT_EQ(read[0].buckets, (std::vector<int>{3, 7}));
  EXPECT_EQ(read[0].after_client_id, "");
  EXPECT_EQ(read[0].last_client_id, std::nullopt);
  // Bucket 11 alone, cut where its 5,000th client is, the rest to the bucket's end.
  EXPECT_EQ(read[1].buckets, (std::vector<int>{11}));
  EXPECT_EQ(read[1].after_client_id, "");
  EXPECT_EQ(read[1].last_client_id, "b11-04999");
  EXPECT_EQ(read[2].buckets, (std::vector<int>{11}));
  EXPECT_EQ(read[2].after_client_id, "b11-04999");
  EXPECT_EQ(read[2].last_client_id, std::nullopt);
  EXPECT_EQ(read[3].buckets, (std::vector<int>{15, 19}));
  EXPECT_EQ(read[3].last_client_id, std::nullopt);
  EXPECT_EQ(read[4].buckets, (std::vector<int>{23}));
  EXPECT_EQ(read[4].after_client_id, "");
  ASSERT_EQ(page_end.calls.size(), 2u);
  EXPECT_EQ(page_end.calls[0], std::make_tuple(11, std::string(), 5000));
  EXPECT_EQ(page_end.calls[1], std::make_tuple(11, std::string("b11-04999"), 5000));
}

TEST(ReadRangesTest, ARangeNamesAtMostItsLimitOfBucketsHoweverFewTheirClients) {
  FakePageEnd page_end;
  std::vector<std::pair<int, int64_t>> buckets;
  for (int bucket = 0; bucket < 1024; bucket += 4) {
    buckets.emplace_back(bucket, 3);  // a small tenant: a shard's 256 buckets hold 768 clients
  }
  ReadRanges ranges(page_end.Function(), 5000, buckets);
  std::vector<int> read;
  while (std::optional<ClientRange> range = ranges.Next()) {
    EXPECT_LE(range->buckets.size(), ClientRange::kMaxBuckets);
    read.insert(read.end(), range->buckets.begin(), range->buckets.end());
  }
  ASSERT_EQ(read.size(), buckets.size());  // each bucket once, in order
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i], buckets[i].first);
  }
}

TEST(ReadRangesTest, AShardWithoutClientsReadsNothing) {
  FakePageEnd page_end;
  ReadRanges ranges(page_end.Function(), 5000, {});
  EXPECT_FALSE(ranges.Next().has_value());
  EXPECT_TRUE(page_end.calls.empty());
}

}  // namespace
}  // namespace clienttier::scoring
