// unpackKernelImage under small limits the input picks (its last byte): the decoded payload
// ceiling (256 bytes to 1 MiB), how many candidate streams a scan may try and how much they may
// decode between them. With the real limits (256 MiB, 64 streams) no fuzz input could reach a
// bomb; here a few KiB of compressed zeros do. A payload is never larger than its ceiling and
// is ELF; every refusal is one line naming the file.
#include "FuzzCommon.h"
#include "Kernel/Payload.h"

#include "Elf/ElfTarget.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  if (Size == 0)
    return 0;
  // Trailing bytes after a stream are padding to the decoders, so the last byte is free.
  const uint8_t B = Data[Size - 1];
  modver::ImageLimits L;
  L.MaxDecoded = uint64_t(256) << (B % 13);
  L.MaxScanAttempts = 1 + (B / 13) % 16;
  L.MaxScanDecoded = 2 * L.MaxDecoded;
  auto P = modver::unpackKernelImage(FuzzFileName, bytes(Data, Size), L);
  if (!P) {
    checkError(P.takeError());
    return 0;
  }
  if (P->Owned && P->Owned->getBufferSize() > L.MaxDecoded) {
    fprintf(stderr, "payload of %zu bytes past the ceiling of %llu\n", P->Owned->getBufferSize(),
            (unsigned long long)L.MaxDecoded);
    abort();
  }
  if (!modver::looksLikeElf(P->Elf)) {
    fprintf(stderr, "a payload that is not ELF was accepted\n");
    abort();
  }
  return 0;
}
