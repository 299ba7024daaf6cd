// The version-record decoders, on raw section bytes and inside ELF objects.
//
// Input layout: byte 0 picks the target (bit 0: 32-bit, bit 1: big-endian) and, with bit 2, the
// ELF path (readVersionTables on the rest); otherwise byte 1 splits the rest into the extended
// CRC and name sections, and the whole rest is also decoded as a classic table.
#include "FuzzCommon.h"
#include "Module/VersionsSection.h"

#include "llvm/BinaryFormat/ELF.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  if (Size < 2)
    return 0;
  modver::ElfTarget T;
  T.Is64 = !(Data[0] & 1);
  T.IsLittleEndian = !(Data[0] & 2);
  T.Machine = T.Is64 ? llvm::ELF::EM_X86_64 : llvm::ELF::EM_386;
  llvm::StringRef Rest = bytes(Data + 2, Size - 2);
  if (Data[0] & 4) {
    consume(modver::readVersionTables(FuzzFileName, Rest));
    return 0;
  }
  consume(modver::decodeClassic(FuzzFileName, Rest, T));
  size_t Split = Rest.size() * Data[1] / 255;
  consume(modver::decodeExtended(FuzzFileName, Rest.take_front(Split), Rest.drop_front(Split), T));
  return 0;
}
