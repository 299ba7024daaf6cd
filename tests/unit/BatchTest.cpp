#include "Support/Batch.h"

#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace modver;

namespace {

TEST(Batch, ResultsInInputOrder) {
  for (unsigned Threads : {0u, 1u, 2u, 7u}) {
    BatchOptions Opts;
    Opts.Threads = Threads;
    std::vector<size_t> Out = mapIndices(1000, [](size_t I) { return I * I; }, Opts);
    ASSERT_EQ(Out.size(), 1000u);
    for (size_t I = 0; I < Out.size(); ++I)
      ASSERT_EQ(Out[I], I * I) << "threads " << Threads;
  }
}

TEST(Batch, ProgressCountsEveryItem) {
  BatchOptions Opts;
  Opts.Threads = 4;
  std::vector<size_t> Seen;
  Opts.Progress = [&](size_t Done, size_t Total) {
    EXPECT_EQ(Total, 50u);
    Seen.push_back(Done);
  };
  forEachIndex(50, [](size_t) {}, Opts);
  ASSERT_EQ(Seen.size(), 50u);
  for (size_t I = 0; I < Seen.size(); ++I)
    EXPECT_EQ(Seen[I], I + 1); // serialised, so strictly increasing
}

TEST(Batch, UsesSeveralThreadsAndOneWhenAsked) {
  std::mutex Lock;
  std::set<std::thread::id> Ids;
  BatchOptions Opts;
  Opts.Threads = 3;
  forEachIndex(
      30,
      [&](size_t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        std::lock_guard<std::mutex> G(Lock);
        Ids.insert(std::this_thread::get_id());
      },
      Opts);
  EXPECT_GT(Ids.size(), 1u);
  EXPECT_LE(Ids.size(), 3u);

  Ids.clear();
  Opts.Threads = 1;
  forEachIndex(5, [&](size_t) { Ids.insert(std::this_thread::get_id()); }, Opts);
  EXPECT_EQ(Ids, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(Batch, ThreadCount) {
  BatchOptions Opts;
  Opts.Threads = 8;
  EXPECT_EQ(batchThreads(3, Opts), 3u);
  EXPECT_EQ(batchThreads(0, Opts), 1u);
  EXPECT_EQ(batchThreads(100, Opts), 8u);
  Opts.Threads = 0;
  EXPECT_GE(batchThreads(100, Opts), 1u);
}

TEST(Batch, ExpectedResultsAndEmptyInput) {
  std::vector<int> Items = {1, 2, 3, 4};
  auto Out = mapItems(Items, [](int V) -> llvm::Expected<int> {
    if (V == 3)
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "three");
    return V * 10;
  });
  ASSERT_EQ(Out.size(), 4u);
  ASSERT_TRUE(bool(Out[0]) && bool(Out[3]));
  EXPECT_EQ(*Out[0], 10);
  EXPECT_EQ(*Out[3], 40);
  ASSERT_FALSE(bool(Out[2]));
  EXPECT_EQ(llvm::toString(Out[2].takeError()), "three");
  llvm::cantFail(Out[1].takeError());

  std::vector<int> None;
  EXPECT_TRUE(mapItems(None, [](int V) { return V; }).empty());
}

} // namespace

// "-j 1000000" over a tree of 100000 modules asked for 100000 threads and aborted when the
// system refused one (std::system_error, exit 134); the count is capped instead.
TEST(Batch, AbsurdJobCountsAreCapped) {
  BatchOptions Huge;
  Huge.Threads = 1000000;
  EXPECT_EQ(batchThreads(100000, Huge), MaxBatchThreads);
  EXPECT_EQ(batchThreads(3, Huge), 3u);
  std::atomic<size_t> Sum{0};
  forEachIndex(10000, [&](size_t I) { Sum += I; }, Huge);
  EXPECT_EQ(Sum.load(), size_t(10000) * 9999 / 2);
}
