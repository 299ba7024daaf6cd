#include "Versioning/VersionsObject.h"

namespace modver {

llvm::Expected<std::vector<ElfSection>>
versionsSections(const ElfTarget &T, llvm::ArrayRef<VersionRecord> Classic,
                 const std::optional<std::vector<VersionRecord>> &Extended,
                 const SectionNames &Names) {
  auto ClassicBytes = encodeClassic(Classic, T);
  if (!ClassicBytes)
    return ClassicBytes.takeError();
  std::vector<ElfSection> Out;
  Out.reserve(3);
  // modpost's arrays are `unsigned long`-aligned (classic), u32 (CRCs) and char (names).
  Out.push_back({Names.Versions, llvm::ELF::SHT_PROGBITS, llvm::ELF::SHF_ALLOC, T.wordSize(), 0,
                 std::move(*ClassicBytes)});
  if (Extended) {
    ExtendedTables Ext = encodeExtended(*Extended, T);
    Out.push_back({Names.ExtCrcs, llvm::ELF::SHT_PROGBITS, llvm::ELF::SHF_ALLOC, 4, 0,
                   std::move(Ext.Crcs)});
    Out.push_back({Names.ExtNames, llvm::ELF::SHT_PROGBITS, llvm::ELF::SHF_ALLOC, 1, 0,
                   std::move(Ext.Names)});
  }
  return Out;
}

llvm::Expected<std::string>
writeVersionsObject(const ElfTarget &T, llvm::ArrayRef<VersionRecord> Classic,
                    const std::optional<std::vector<VersionRecord>> &Extended,
                    const SectionNames &Names) {
  auto Sections = versionsSections(T, Classic, Extended, Names);
  if (!Sections)
    return Sections.takeError();
  return writeElfObject(T, *Sections);
}

} // namespace modver
