#include "Support/Batch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>

namespace modver {

unsigned batchThreads(size_t Count, const BatchOptions &Opts) {
  unsigned Wanted = Opts.Threads;
  if (Wanted == 0)
    Wanted = std::max(1u, std::thread::hardware_concurrency());
  return unsigned(std::max<size_t>(1, std::min<size_t>({Wanted, Count, MaxBatchThreads})));
}

void forEachIndex(size_t Count, llvm::function_ref<void(size_t)> Work, const BatchOptions &Opts) {
  std::mutex ProgressLock;
  size_t Done = 0;
  auto Finished = [&] {
    if (!Opts.Progress)
      return;
    std::lock_guard<std::mutex> Guard(ProgressLock);
    Opts.Progress(++Done, Count);
  };

  unsigned Threads = batchThreads(Count, Opts);
  if (Threads == 1) {
    for (size_t I = 0; I < Count; ++I) {
      Work(I);
      Finished();
    }
    return;
  }

  // Workers pull the next index from a shared counter rather than owning fixed slices: item
  // costs vary a lot (a 10 MiB compressed driver next to a 20 KiB one).
  std::atomic<size_t> Next{0};
  auto Worker = [&] {
    for (size_t I = Next++; I < Count; I = Next++) {
      Work(I);
      Finished();
    }
  };
  std::vector<std::thread> Pool;
  Pool.reserve(Threads - 1);
  // A system that refuses another thread (a process or memory limit) leaves the batch with
  // fewer workers, not a failure: the calling thread alone can do every item.
  for (unsigned T = 1; T < Threads; ++T) {
    try {
      Pool.emplace_back(Worker);
    } catch (const std::system_error &) {
      break;
    }
  }
  Worker(); // the calling thread works too
  for (std::thread &T : Pool)
    T.join();
}

} // namespace modver
