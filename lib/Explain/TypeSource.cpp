#include "Explain/TypeSource.h"

#include "Compression/Decompress.h"
#include "Elf/ElfTarget.h"
#include "Kernel/KernelImage.h"
#include "Support/Error.h"
#include "Types/DwarfTypes.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

namespace modver {

namespace {

// Relocatable objects (modules, -c output) carry their own or split BTF, or DWARF; anything
// else is taken for a kernel image, whose ELF may be compressed inside.
bool isRelocatableElf(llvm::StringRef B) {
  if (B.size() < 18 || !B.starts_with("\x7f"
                                      "ELF"))
    return false;
  bool LE = B[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  uint16_t Type = LE ? llvm::support::endian::read16le(B.data() + 16)
                     : llvm::support::endian::read16be(B.data() + 16);
  return Type == llvm::ELF::ET_REL;
}

} // namespace

llvm::Expected<TypeSource> readTypeSource(llvm::StringRef Path, const BtfTypes *Base) {
  TypeSource S;
  auto Bytes = readMaybeCompressed(Path);
  if (!Bytes)
    return Bytes.takeError();
  if (!isRelocatableElf((*Bytes)->getBuffer())) {
    Bytes->reset(); // a vmlinux is large; readKernelElf reads it again its own way
    auto Elf = readKernelElf(Path);
    if (!Elf)
      return Elf.takeError();
    if (auto Target = readElfTarget(Path, (*Elf)->getBuffer()))
      S.Arch = Target->kernelArch().str();
    else
      llvm::consumeError(Target.takeError());
    auto Btf = readElfBtf(Path, (*Elf)->getBuffer());
    if (!Btf)
      return Btf.takeError();
    S.Btf = std::move(*Btf);
    return S;
  }
  if (auto Target = readElfTarget(Path, (*Bytes)->getBuffer()))
    S.Arch = Target->kernelArch().str();
  else
    llvm::consumeError(Target.takeError());
  auto Btf = readElfBtf(Path, (*Bytes)->getBuffer(), Base);
  if (Btf) {
    S.Btf = std::move(*Btf);
    return S;
  }
  auto Dwarf = readDwarfTypes(Path, (*Bytes)->getBuffer());
  if (!Dwarf)
    return fileError(Path, "no usable types: " + llvm::toString(Btf.takeError()) + "; " +
                               llvm::toString(Dwarf.takeError()));
  llvm::consumeError(Btf.takeError());
  S.Dwarf = std::move(*Dwarf);
  return S;
}

} // namespace modver
