#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace clienttier::scoring {

// The clients of one replica split into partitions by a hash of the client id, so that the
// replica's profile consumers never apply the same clients at once. A consumer applies its read
// partition by partition, each part in its own transaction while it holds that partition here.
//
// Why: a read's transaction locks its clients' rows until it commits, and two consumers of one
// replica reading from one stream get most of the same clients in a backlog. The second then
// waited on the first's rows for the rest of the first's transaction: in event-path-bench
// (20,000 clients, reads of up to 20,000 events, 2 consumers) 15 such waits took 5.9 s of a
// 14 s run, while the cores idled a fifth of the time after the last write. With partitions the
// two apply different clients side by side. Replicas are not partitioned with each other: their
// reads still meet on the rows, as before.
class ClientPartitions {
 public:
  // `count` of at least 1; 1 leaves a read whole, as one transaction.
  explicit ClientPartitions(int count);
  ClientPartitions(const ClientPartitions&) = delete;
  ClientPartitions& operator=(const ClientPartitions&) = delete;

  int count() const { return static_cast<int>(busy_.size()); }
  // The partition of a client: the same for every tenant's client of that id.
  int PartitionOf(const std::string& client_id) const;

  // Holds one partition until destroyed (or every partition, for a part that is a whole read).
  class Held {
   public:
    Held(Held&& other) noexcept;
    Held& operator=(Held&&) = delete;
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held();
    int partition() const { return partition_; }  // kEvery when every partition is held

   private:
    friend class ClientPartitions;
    Held(ClientPartitions* owner, int partition) : owner_(owner), partition_(partition) {}
    ClientPartitions* owner_;
    int partition_;
  };
  static constexpr int kEvery = -1;

  // Waits until one of `wanted` (not empty) is free and holds it: the first free one in the
  // order given, so a consumer takes what the other is not applying instead of queueing on it.
  Held HoldAnyOf(const std::vector<int>& wanted);
  // Waits until no partition is held and holds them all (a read that must stay whole).
  Held HoldEvery();

 private:
  void Release(int partition);

  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<bool> busy_;
};

}  // namespace clienttier::scoring
