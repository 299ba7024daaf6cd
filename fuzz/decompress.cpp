// detectCompression + decompress under a ceiling the input picks (its last byte: 256 bytes to
// 1 MiB): a header's size field must never drive an allocation past it, output past it is
// refused with DecompressLimitError, and a stream that fits is refused one byte below its size.
#include "Compression/Decompress.h"
#include "FuzzCommon.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  if (Size == 0)
    return 0;
  // Trailing bytes after a stream are padding to the decoders, so the last byte is free.
  const uint64_t MaxOutput = uint64_t(256) << (Data[Size - 1] % 13);
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
  size_t Got = (*Out)->getBufferSize();
  if (Got > MaxOutput) {
    fprintf(stderr, "decompressed %zu bytes past the ceiling\n", Got);
    abort();
  }
  if (Got > 0) {
    auto Less = modver::decompress(FuzzFileName, In, C, Got - 1);
    bool Limited = false;
    if (Less)
      Limited = false;
    else
      llvm::handleAllErrors(
          Less.takeError(), [&](const modver::DecompressLimitError &) { Limited = true; },
          [](const llvm::ErrorInfoBase &) {});
    if (!Limited) {
      fprintf(stderr, "%zu bytes decoded, but a ceiling of %zu was not refused as a limit\n", Got,
              Got - 1);
      abort();
    }
  }
  return 0;
}
