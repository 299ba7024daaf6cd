#include "Support/DecodeBudget.h"

#include <algorithm>

namespace modver {

DecodeBudget &DecodeBudget::process() {
  // 128 MiB of slots: 4 decoders of up to 32 MiB (most modules are far smaller) run side by
  // side; past 32 MiB one at a time. Peak decoded memory: 128 MiB + the largest limit.
  static DecodeBudget B(uint64_t(128) << 20, uint64_t(32) << 20);
  return B;
}

DecodeBudget::Lease::Lease(DecodeBudget &Budget, uint64_t Want)
    : B(Budget), Held(std::min(Want, Budget.Slot)), Large(Budget.LargeLane, std::defer_lock) {
  std::unique_lock<std::mutex> L(B.M);
  B.Freed.wait(L, [&] { return B.Free >= Held; });
  B.Free -= Held;
}

DecodeBudget::Lease::~Lease() {
  {
    std::lock_guard<std::mutex> L(B.M);
    B.Free += Held;
  }
  B.Freed.notify_all();
  // Large (the lane) unlocks itself.
}

void DecodeBudget::Lease::goLarge() {
  if (!Large.owns_lock())
    Large.lock();
}

} // namespace modver
