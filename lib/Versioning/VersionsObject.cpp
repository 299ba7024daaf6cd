#include "Versioning/VersionsObject.h"

namespace modver {

llvm::Expected<std::vector<ElfSection>>
versionsSections(const ElfTarget &T, const VersionTables &Tables, const SectionNames &Names) {
  std::vector<ElfSection> Out;
  Out.reserve(3);
  // modpost's arrays are `unsigned long`-aligned (classic), u32 (CRCs) and char (names).
  if (Tables.Classic) {
    auto ClassicBytes = encodeClassic(*Tables.Classic, T);
    if (!ClassicBytes)
      return ClassicBytes.takeError();
    Out.push_back({Names.Versions, llvm::ELF::SHT_PROGBITS, llvm::ELF::SHF_ALLOC, T.wordSize(), 0,
                   std::move(*ClassicBytes)});
  }
  if (Tables.Extended) {
    ExtendedTables Ext = encodeExtended(*Tables.Extended, T);
    Out.push_back(
        {Names.ExtCrcs, llvm::ELF::SHT_PROGBITS, llvm::ELF::SHF_ALLOC, 4, 0, std::move(Ext.Crcs)});
    Out.push_back({Names.ExtNames, llvm::ELF::SHT_PROGBITS, llvm::ELF::SHF_ALLOC, 1, 0,
                   std::move(Ext.Names)});
  }
  return Out;
}

llvm::Expected<std::vector<ElfSection>>
versionsSections(const ElfTarget &T, llvm::ArrayRef<VersionRecord> Classic,
                 const std::optional<std::vector<VersionRecord>> &Extended,
                 const SectionNames &Names) {
  VersionTables Tables;
  Tables.Classic = Classic.vec();
  Tables.Extended = Extended;
  return versionsSections(T, Tables, Names);
}

llvm::Expected<std::string> writeVersionsObject(const ElfTarget &T, const VersionTables &Tables,
                                                const SectionNames &Names) {
  auto Sections = versionsSections(T, Tables, Names);
  if (!Sections)
    return Sections.takeError();
  return writeElfObject(T, *Sections);
}

llvm::Expected<std::string>
writeVersionsObject(const ElfTarget &T, llvm::ArrayRef<VersionRecord> Classic,
                    const std::optional<std::vector<VersionRecord>> &Extended,
                    const SectionNames &Names) {
  VersionTables Tables;
  Tables.Classic = Classic.vec();
  Tables.Extended = Extended;
  return writeVersionsObject(T, Tables, Names);
}

} // namespace modver
