// The memory all decompression in the process may use at once, shared by every job.
//
// `-j N` runs N jobs on threads of one process; if each may decode up to its limit, N bombs
// cost N limits. Instead every decoder takes a lease: a small slot from a counting semaphore
// of bytes (the pool) before it decodes, and, to grow past its slot, the one large lane. So
// the decoded bytes in flight never pass Pool + the largest limit, whatever N is, and nothing
// can deadlock: a decoder waits for a slot holding nothing, and the lane holder never waits.
//
// The budget is process-wide on purpose (the one piece of shared state in lib/): memory is a
// resource of the process, and decoders are reached from units that have no run context.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace modver {

class DecodeBudget {
public:
  // Pool bytes; a lease's slot is at most SlotSize.
  DecodeBudget(uint64_t Pool, uint64_t SlotSize) : Free(Pool), Slot(SlotSize) {}
  DecodeBudget(const DecodeBudget &) = delete;
  DecodeBudget &operator=(const DecodeBudget &) = delete;

  // The budget every decoder in this process shares.
  static DecodeBudget &process();

  uint64_t slotSize() const { return Slot; }

  // A decoder's share; released when it goes out of scope.
  class Lease {
  public:
    // Blocks until a slot of min(Want, slot size) bytes is free.
    Lease(DecodeBudget &B, uint64_t Want);
    ~Lease();
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    // Bytes this lease may hold without asking again.
    uint64_t allowance() const { return Large ? UINT64_MAX : Held; }
    // Called before holding more than allowance(): waits for the large lane.
    void goLarge();

  private:
    DecodeBudget &B;
    uint64_t Held;
    std::unique_lock<std::mutex> Large;
  };

private:
  std::mutex M;
  std::condition_variable Freed;
  uint64_t Free;
  uint64_t Slot;
  std::mutex LargeLane;
};

} // namespace modver
