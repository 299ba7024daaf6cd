// Running one function over many independent items on several threads.
//
// This is the only place modver starts threads. Results always come back in input order, so
// what a tool prints never depends on scheduling. Nothing here is global: every call owns its
// workers and joins them before returning.
#pragma once

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace modver {

struct BatchOptions {
  // Worker threads; 0 means one per hardware thread. 1 runs everything on the calling thread.
  unsigned Threads = 0;
  // Called after each item with (items done, total). Calls are serialised but may come from
  // any worker thread, so it must be cheap and must not call back into the batch.
  std::function<void(size_t Done, size_t Total)> Progress;
};

// At most this many workers, whatever -j asks: every one costs a stack and a decode slot, and
// past the cores they only wait on each other ("-j 1000000" over a large tree once asked the
// system for 100000 threads and died in std::thread's exception).
inline constexpr unsigned MaxBatchThreads = 256;

// The number of workers a batch of Count items would use with these options.
unsigned batchThreads(size_t Count, const BatchOptions &Opts);

// Call Work(I) once for every I in [0, Count), spread over the workers. Work must be safe to
// run concurrently for different indices.
void forEachIndex(size_t Count, llvm::function_ref<void(size_t)> Work,
                  const BatchOptions &Opts = {});

// Map F over the indices [0, Count) and return the results in index order. The result type
// need not be default-constructible (llvm::Expected<T> works).
template <typename Fn>
auto mapIndices(size_t Count, Fn &&F, const BatchOptions &Opts = {})
    -> std::vector<std::invoke_result_t<Fn &, size_t>> {
  using Result = std::invoke_result_t<Fn &, size_t>;
  std::vector<std::optional<Result>> Slots(Count);
  forEachIndex(Count, [&](size_t I) { Slots[I].emplace(F(I)); }, Opts);
  std::vector<Result> Out;
  Out.reserve(Count);
  for (std::optional<Result> &S : Slots)
    Out.push_back(std::move(*S));
  return Out;
}

// Map F over Items, results in the order of Items.
template <typename T, typename Fn>
auto mapItems(const std::vector<T> &Items, Fn &&F, const BatchOptions &Opts = {})
    -> std::vector<std::invoke_result_t<Fn &, const T &>> {
  return mapIndices(Items.size(), [&](size_t I) { return F(Items[I]); }, Opts);
}

} // namespace modver
