// The ELF "flavour" of a kernel or object: what a written object must match to link with it.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>
#include <string>

namespace modver {

struct ElfTarget {
  bool Is64 = true;
  bool IsLittleEndian = true;
  uint16_t Machine = 0; // e_machine
  uint32_t Flags = 0;   // e_flags
  // A flat kernel image has no e_flags to read (riscv's modules carry EF_RISCV_RVC, say):
  // Flags is then 0 and agrees with any other's.
  bool FlagsUnknown = false;
  uint8_t OSABI = 0;
  uint8_t ABIVersion = 0;

  // sizeof(unsigned long) on the target: the width of a __versions CRC slot.
  unsigned wordSize() const { return Is64 ? 8 : 4; }
  // e.g. "ELF64 little-endian x86-64"; ", OS ABI 3", ", ABI version 1" and ", flags 0x5000000"
  // follow when not 0, so two targets that differ never describe alike
  std::string describe() const;
  // The kernel's name for the architecture, its directory under arch/ ("x86", "arm64");
  // empty for machines the kernel has no such name for here.
  llvm::StringRef kernelArch() const;

  // What the kernel's loader compares (elf_check_arch: class, byte order, machine), and the
  // OS ABI, which every object of one kernel shares: false when a module of this target
  // cannot load into a kernel of target Kernel.
  bool loadsInto(const ElfTarget &Kernel) const {
    return Is64 == Kernel.Is64 && IsLittleEndian == Kernel.IsLittleEndian &&
           Machine == Kernel.Machine && OSABI == Kernel.OSABI;
  }

  // Whether two sources can describe one kernel: equal, but for flags one does not know.
  bool agreesWith(const ElfTarget &O) const {
    return sameButFlags(O) && (FlagsUnknown || O.FlagsUnknown || Flags == O.Flags);
  }

  bool operator==(const ElfTarget &O) const { return sameButFlags(O) && Flags == O.Flags; }
  bool operator!=(const ElfTarget &O) const { return !(*this == O); }

private:
  bool sameButFlags(const ElfTarget &O) const {
    return Is64 == O.Is64 && IsLittleEndian == O.IsLittleEndian && Machine == O.Machine &&
           OSABI == O.OSABI && ABIVersion == O.ABIVersion;
  }
};

// The target of the ELF file in Bytes (only e_ident and the header are read).
llvm::Expected<ElfTarget> readElfTarget(llvm::StringRef FileName, llvm::StringRef Bytes);

// True when Bytes start with the ELF magic.
bool looksLikeElf(llvm::StringRef Bytes);

} // namespace modver
