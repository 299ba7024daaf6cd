#include "Relink/CompressedSections.h"

#include "Support/Error.h"

#include "llvm/Object/Decompressor.h"
#include "llvm/Object/ELFObjectFile.h"

namespace modver {

llvm::Error checkCompressedSections(llvm::StringRef Name, llvm::StringRef Bytes, uint64_t Limit) {
  auto Obj = llvm::object::ObjectFile::createELFObjectFile(llvm::MemoryBufferRef(Bytes, Name),
                                                           /*InitContent=*/false);
  if (!Obj) {
    llvm::consumeError(Obj.takeError()); // not ELF or damaged: the module reader says which
    return llvm::Error::success();
  }
  auto *Elf = llvm::cast<llvm::object::ELFObjectFileBase>(Obj->get());
  uint64_t Claimed = 0;
  for (const llvm::object::ELFSectionRef S : Elf->sections()) {
    if (!(S.getFlags() & llvm::ELF::SHF_COMPRESSED) || S.getType() == llvm::ELF::SHT_NOBITS)
      continue;
    llvm::StringRef SecName = "?";
    if (auto N = S.getName())
      SecName = *N;
    else
      llvm::consumeError(N.takeError());
    auto Contents = S.getContents();
    if (!Contents)
      return fileError(Name, "section " + SecName + ": " + llvm::toString(Contents.takeError()));
    auto D = llvm::object::Decompressor::create(SecName, *Contents, Elf->isLittleEndian(),
                                                Elf->is64Bit());
    if (!D)
      return fileError(Name,
                       "compressed section " + SecName + ": " + llvm::toString(D.takeError()));
    uint64_t Size = D->getDecompressedSize();
    Claimed = Size > UINT64_MAX - Claimed ? UINT64_MAX : Claimed + Size;
    if (Claimed > Limit)
      return fileError(Name, "compressed section " + SecName + " claims " + llvm::Twine(Size) +
                                 " bytes, more than the limit of " + llvm::Twine(Limit) +
                                 " bytes for a module");
  }
  return llvm::Error::success();
}

} // namespace modver
