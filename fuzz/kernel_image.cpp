// readKernelImageBytes: ELF vmlinux, bzImage, compressed streams and images with a compressed
// vmlinux inside.
#include "FuzzCommon.h"
#include "Kernel/KernelImage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  consume(modver::readKernelImageBytes(FuzzFileName, bytes(Data, Size)));
  return 0;
}
