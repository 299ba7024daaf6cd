// Reading a kernel image into a SymbolDb: unpack to ELF (or a flat image), read the export
// tables, then the
// facts about the kernel (target, release, vermagic, the loader options of an embedded config).
#include "Kernel/KernelImage.h"

#include "Database/Ksymtab.h"
#include "Kernel/FlatImage.h"
#include "Kernel/KernelConfig.h"
#include "Kernel/KernelStrings.h"
#include "Kernel/Payload.h"

#include "Compression/Decompress.h"
#include "Elf/ElfFile.h"
#include "Elf/ElfTarget.h"
#include "Support/Error.h"
#include "Support/InputFile.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Path.h"

namespace modver {

namespace {

// vmlinux is linked as an executable (ET_EXEC), or ET_DYN for relocatable kernels; a .ko
// (ET_REL) has export tables too but is not a kernel, and its entries need relocating.
llvm::Error checkElfType(llvm::StringRef Name, llvm::StringRef Elf) {
  if (llvm::Error E = checkElfIdent(Name, Elf))
    return E;
  bool IsLE = Elf[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  // e_type is at offset 16 in both classes.
  uint16_t Type = IsLE ? llvm::support::endian::read16le(Elf.data() + 16)
                       : llvm::support::endian::read16be(Elf.data() + 16);
  if (Type == llvm::ELF::ET_EXEC || Type == llvm::ELF::ET_DYN)
    return llvm::Error::success();
  if (Type == llvm::ELF::ET_REL)
    return fileError(Name, "not a kernel image: a relocatable object (a module?), not vmlinux");
  return fileError(Name, "not a kernel image: ELF type " + llvm::Twine(Type));
}

} // namespace

llvm::Expected<SymbolDb> readKernelImageBytes(llvm::StringRef Name, llvm::StringRef Bytes) {
  auto Payload = unpackKernelImage(Name, Bytes);
  if (!Payload)
    return Payload.takeError();
  // The facts below are plain data, read alike from ELF and flat images.
  bool Flat = !Payload->Flat.empty();
  llvm::StringRef Elf = Flat ? Payload->Flat : Payload->Elf;
  if (!Flat)
    if (llvm::Error E = checkElfType(Name, Elf))
      return E;
  auto Target = Flat ? llvm::Expected<ElfTarget>(Payload->FlatTarget) : readElfTarget(Name, Elf);
  if (!Target)
    return Target.takeError();
  auto Exports = Flat ? readFlatKsymtabs(Name, Elf, *Target) : readKsymtabs(Name, Elf);
  if (!Exports)
    return Exports.takeError();

  SymbolDb Db;
  for (Export &E : Exports->Exports) {
    E.Exporter = "vmlinux";
    E.Source = Name.str();
    if (llvm::Error Err = Db.add(std::move(E)))
      return inFile(Name, std::move(Err));
  }
  KernelInfo &K = Db.kernel();
  K.Target = *Target;
  K.Release = findBannerRelease(Elf);
  if (K.Release.empty())
    K.Release = releaseFromBootVersion(Payload->BootVersion);
  K.Vermagic = findVermagic(Elf, K.Release);
  if (std::optional<std::string> Config = findEmbeddedConfig(Elf)) {
    // The kernel's own configuration is complete: an option it leaves out is "n" in Kconfig
    // terms, where a .config a user names may be a fragment.
    K.ForceLoad = false;
    K.AllowMissingNamespaceImports = false;
    K.ModuleSigForce = false;
    K.ModuleSig = false;
    applyKernelConfig(*Config, K);
  }
  K.HasKflagstab = Exports->HasKflagstab;
  return Db;
}

llvm::Expected<SymbolDb> readKernelImage(llvm::StringRef Path) {
  auto Buf = readInputFile(Path, MaxKernelFileSize);
  if (!Buf)
    return Buf.takeError();
  return readKernelImageBytes(Path, (*Buf)->getBuffer());
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readKernelElf(llvm::StringRef Path) {
  auto Buf = readInputFile(Path, MaxKernelFileSize);
  if (!Buf)
    return Buf.takeError();
  auto Payload = unpackKernelImage(Path, (*Buf)->getBuffer());
  if (!Payload)
    return Payload.takeError();
  if (!Payload->Flat.empty())
    return fileError(Path, "a flat kernel image (" + Payload->FlatTarget.describe() +
                               ") has no ELF sections; give the vmlinux file");
  if (llvm::Error E = checkElfType(Path, Payload->Elf))
    return E;
  if (Payload->Owned && Payload->Owned->getBuffer() == Payload->Elf &&
      Payload->Owned->getBufferStart() == Payload->Elf.data())
    return std::move(Payload->Owned);
  // The ELF is a slice of the file or of a decompressed buffer: copy it so the caller owns it.
  return llvm::MemoryBuffer::getMemBufferCopy(Payload->Elf, Path);
}

llvm::StringRef releaseInImageName(llvm::StringRef Path) {
  llvm::StringRef Release = llvm::sys::path::filename(Path);
  if (Release.consume_front("vmlinuz-") || Release.consume_front("vmlinux-"))
    return Release;
  return {};
}

} // namespace modver
