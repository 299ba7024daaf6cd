// Finding `.BTF` in ELF files: vmlinux inside any kernel image, modules (maybe compressed),
// objects encoded by `pahole -J`.
#include "Types/Btf.h"

#include "Compression/Decompress.h"
#include "Elf/ElfFile.h"
#include "Kernel/KernelImage.h"
#include "Support/Error.h"

#include "llvm/ADT/StringExtras.h"

namespace modver {

llvm::Expected<std::unique_ptr<BtfTypes>> readElfBtf(llvm::StringRef Name, llvm::StringRef Elf,
                                                     const BtfTypes *Base) {
  auto Section = withElfFile(Name, Elf, [&](const auto &File) -> llvm::Expected<llvm::StringRef> {
    auto Sec = findSection(File, ".BTF");
    if (!Sec)
      return Sec.takeError();
    if (!*Sec)
      return fileError(Name, "no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)");
    auto Contents = File.getSectionContents(**Sec);
    if (!Contents)
      return Contents.takeError();
    return llvm::toStringRef(*Contents);
  });
  if (!Section)
    return inFile(Name, Section.takeError());
  return parseBtf(Name, *Section, Base);
}

llvm::Expected<std::unique_ptr<BtfTypes>> readKernelBtf(llvm::StringRef Path) {
  auto Elf = readKernelElf(Path);
  if (!Elf)
    return Elf.takeError();
  return readElfBtf(Path, (*Elf)->getBuffer());
}

llvm::Expected<std::unique_ptr<BtfTypes>> readModuleBtf(llvm::StringRef Path,
                                                        const BtfTypes &Kernel) {
  auto Bytes = readMaybeCompressed(Path);
  if (!Bytes)
    return Bytes.takeError();
  return readElfBtf(Path, (*Bytes)->getBuffer(), &Kernel);
}

} // namespace modver
