// detectCompression + decompress with a small output ceiling: a header's size field must never
// drive an allocation, and output past the ceiling is refused.
#include "Compression/Decompress.h"
#include "FuzzCommon.h"

#include <cstdlib>

static constexpr uint64_t MaxOutput = 1 << 20;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  llvm::StringRef In = bytes(Data, Size);
  modver::Compression C = modver::detectCompression(In);
  (void)modver::compressionName(C);
  if (C == modver::Compression::None)
    return 0;
  auto Out = modver::decompress(FuzzFileName, In, C, MaxOutput);
  if (!Out) {
    checkError(Out.takeError());
    return 0;
  }
  if ((*Out)->getBufferSize() > MaxOutput) {
    fprintf(stderr, "decompressed %zu bytes past the ceiling\n", (*Out)->getBufferSize());
    abort();
  }
  return 0;
}
