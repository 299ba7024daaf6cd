#include "Module/VersionsSection.h"

#include "Elf/ElfFile.h"
#include "Module/ModuleElf.h"
#include "Module/ModuleObject.h"
#include "Support/Error.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

namespace modver {

using llvm::endianness;

static endianness endianOf(const ElfTarget &T) {
  return T.IsLittleEndian ? endianness::little : endianness::big;
}

size_t maxClassicNameLength(const ElfTarget &T) { return VersionRecordSize - T.wordSize() - 1; }

bool fitsClassicRecord(llvm::StringRef Name, const ElfTarget &T) {
  return Name.size() <= maxClassicNameLength(T);
}

llvm::Expected<std::string> encodeClassic(llvm::ArrayRef<VersionRecord> Records,
                                          const ElfTarget &T) {
  std::string Out(Records.size() * VersionRecordSize, '\0');
  char *P = Out.data();
  for (const VersionRecord &R : Records) {
    if (!fitsClassicRecord(R.Name, T))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "symbol name '" + R.Name + "' is too long for a __versions record (" +
              llvm::Twine(R.Name.size()) + " characters, at most " +
              llvm::Twine(maxClassicNameLength(T)) + "): use extended records");
    // The slot is an unsigned long; the CRC fills its low 32 bits, the rest stays zero.
    if (T.Is64)
      llvm::support::endian::write64(P, R.Crc, endianOf(T));
    else
      llvm::support::endian::write32(P, R.Crc, endianOf(T));
    memcpy(P + T.wordSize(), R.Name.data(), R.Name.size());
    P += VersionRecordSize;
  }
  return Out;
}

ExtendedTables encodeExtended(llvm::ArrayRef<VersionRecord> Records, const ElfTarget &T) {
  ExtendedTables Out;
  Out.Crcs.resize(Records.size() * 4);
  for (size_t I = 0; I < Records.size(); ++I) {
    llvm::support::endian::write32(Out.Crcs.data() + 4 * I, Records[I].Crc, endianOf(T));
    Out.Names += Records[I].Name;
    Out.Names += '\0';
  }
  return Out;
}

llvm::Expected<std::vector<VersionRecord>>
decodeClassic(llvm::StringRef FileName, llvm::StringRef Bytes, const ElfTarget &T) {
  if (Bytes.size() % VersionRecordSize != 0)
    return fileError(FileName, "section " + VersionsSectionName + " has size " +
                                   llvm::Twine(Bytes.size()) + ", not a multiple of " +
                                   llvm::Twine(VersionRecordSize));
  std::vector<VersionRecord> Out;
  Out.reserve(Bytes.size() / VersionRecordSize);
  for (size_t Off = 0; Off < Bytes.size(); Off += VersionRecordSize) {
    const char *P = Bytes.data() + Off;
    uint64_t Slot = T.Is64 ? llvm::support::endian::read64(P, endianOf(T))
                           : llvm::support::endian::read32(P, endianOf(T));
    if (Slot > UINT32_MAX)
      return fileError(FileName, "section " + VersionsSectionName + " record " +
                                     llvm::Twine(Off / VersionRecordSize) +
                                     " has a CRC wider than 32 bits");
    llvm::StringRef Field(P + T.wordSize(), VersionRecordSize - T.wordSize());
    size_t Nul = Field.find('\0');
    if (Nul == llvm::StringRef::npos)
      return fileError(FileName, "section " + VersionsSectionName + " record " +
                                     llvm::Twine(Off / VersionRecordSize) +
                                     " has a name without a terminating NUL");
    Out.push_back({Field.substr(0, Nul).str(), uint32_t(Slot)});
  }
  return Out;
}

llvm::Expected<std::vector<VersionRecord>> decodeExtended(llvm::StringRef FileName,
                                                          llvm::StringRef Crcs,
                                                          llvm::StringRef Names,
                                                          const ElfTarget &T) {
  if (Crcs.size() % 4 != 0)
    return fileError(FileName, "section " + ExtCrcsSectionName + " has size " +
                                   llvm::Twine(Crcs.size()) + ", not a multiple of 4");
  size_t Count = Crcs.size() / 4;
  std::vector<VersionRecord> Out;
  Out.reserve(Count);
  llvm::StringRef Rest = Names;
  for (size_t I = 0; I < Count; ++I) {
    size_t Nul = Rest.find('\0');
    if (Nul == llvm::StringRef::npos)
      return fileError(FileName, "section " + ExtNamesSectionName + " holds fewer names than " +
                                     ExtCrcsSectionName + " holds CRCs (" + llvm::Twine(I) +
                                     " of " + llvm::Twine(Count) + ")");
    Out.push_back({Rest.substr(0, Nul).str(),
                   llvm::support::endian::read32(Crcs.data() + 4 * I, endianOf(T))});
    Rest = Rest.drop_front(Nul + 1);
  }
  return Out;
}

template <typename ELFT>
llvm::Expected<VersionTables> readVersionsFrom(llvm::StringRef FileName,
                                               const llvm::object::ELFFile<ELFT> &Elf,
                                               const SectionIndex &Index, const ElfTarget &T) {
  using Shdr = typename ELFT::Shdr;
  VersionTables Out;
  auto Sections = Elf.sections();
  if (!Sections)
    return inFile(FileName, Sections.takeError());
  // The last allocated section of each name counts, as when the table is walked in order.
  auto LastAllocated = [&](llvm::StringRef Name) -> const Shdr * {
    const Shdr *Found = nullptr;
    for (unsigned I : Index.all(Name))
      if ((*Sections)[I].sh_flags & llvm::ELF::SHF_ALLOC)
        Found = &(*Sections)[I];
    return Found;
  };
  const Shdr *Classic = LastAllocated(VersionsSectionName);
  const Shdr *ExtCrcs = LastAllocated(ExtCrcsSectionName);
  const Shdr *ExtNames = LastAllocated(ExtNamesSectionName);
  for (unsigned I : Index.all(VersionsSectionName))
    if (!((*Sections)[I].sh_flags & llvm::ELF::SHF_ALLOC))
      Out.ClassicUnallocated = true;
  auto Contents = [&](const Shdr *Sec) -> llvm::Expected<llvm::StringRef> {
    auto Data = Elf.getSectionContents(*Sec);
    if (!Data)
      return inFile(FileName, Data.takeError());
    return llvm::toStringRef(*Data);
  };
  if (Classic) {
    auto Data = Contents(Classic);
    if (!Data)
      return Data.takeError();
    auto Records = decodeClassic(FileName, *Data, T);
    if (!Records)
      return Records.takeError();
    Out.Classic = std::move(*Records);
  }
  if (bool(ExtCrcs) != bool(ExtNames))
    return fileError(FileName, "has " + (ExtCrcs ? ExtCrcsSectionName : ExtNamesSectionName) +
                                   " without " +
                                   (ExtCrcs ? ExtNamesSectionName : ExtCrcsSectionName));
  if (ExtCrcs) {
    auto Crcs = Contents(ExtCrcs);
    if (!Crcs)
      return Crcs.takeError();
    auto Names = Contents(ExtNames);
    if (!Names)
      return Names.takeError();
    auto Records = decodeExtended(FileName, *Crcs, *Names, T);
    if (!Records)
      return Records.takeError();
    Out.Extended = std::move(*Records);
  }
  return Out;
}

#define INSTANTIATE(ELFT)                                                                          \
  template llvm::Expected<VersionTables> readVersionsFrom<ELFT>(                                   \
      llvm::StringRef, const llvm::object::ELFFile<ELFT> &, const SectionIndex &,                  \
      const ElfTarget &);
MODVER_FOR_EACH_ELFT(INSTANTIATE)
#undef INSTANTIATE

llvm::Expected<VersionTables> readVersionTables(llvm::StringRef FileName,
                                                llvm::StringRef ElfBytes) {
  auto M = ModuleObject::fromBytes(FileName, ElfBytes);
  if (!M)
    return M.takeError();
  return M->versions();
}

} // namespace modver
