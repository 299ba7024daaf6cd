#include "Module/ModuleExports.h"

#include "Database/Ksymtab.h"

#include "Elf/ElfFile.h"
#include "Module/ModuleElf.h"
#include "Module/ModuleObject.h"
#include "Support/Error.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"

#include <map>
#include <optional>

namespace modver {

namespace {

constexpr llvm::StringLiteral StringsSectionName = "__ksymtab_strings";

// One relocation applying to a field of an export table. Only the target it designates
// (symbol value + addend) matters here, never the relocation type: PC-relative and absolute
// fields, RELA and REL, all name the same string.
struct FieldReloc {
  uint32_t SymIndex = 0;
  int64_t Addend = 0;
  bool ExplicitAddend = false; // RELA; a REL addend sits in the field itself
};
using RelocMap = std::map<uint64_t, llvm::SmallVector<FieldReloc, 1>>;

// struct kernel_symbol is { value, name, namespace }: three 32-bit self-relative offsets with
// CONFIG_HAVE_ARCH_PREL32_RELOCATIONS, else three pointers.
struct EntryLayout {
  unsigned EntrySize = 12;
  unsigned FieldSize = 4;
};

template <typename ELFT> class ExportReader {
  using Shdr = typename ELFT::Shdr;
  using Sym = typename ELFT::Sym;
  static constexpr llvm::endianness Endian = ELFT::Endianness;

public:
  ExportReader(llvm::StringRef FileName, const llvm::object::ELFFile<ELFT> &Elf,
               const SectionIndex &Index, llvm::StringRef Exporter)
      : FileName(FileName), Elf(Elf), Index(Index), SectionNames(Index.Names), Exporter(Exporter) {}

  llvm::Expected<SymbolDb> read() {
    if (Elf.getHeader().e_type != llvm::ELF::ET_REL)
      return fileError(FileName, "not a relocatable object (a module is ET_REL)");
    if (llvm::Error E = indexSections())
      return E;
    SymbolDb Db;
    if (llvm::Error E = readTable("__ksymtab", "__kcrctab", /*Gpl=*/false, Db))
      return E;
    if (llvm::Error E = readTable("__ksymtab_gpl", "__kcrctab_gpl", /*Gpl=*/true, Db))
      return E;
    return Db;
  }

private:
  // __kflagstab (7.1+): one byte per __ksymtab entry, bit 0 = GPL-only. Empty when absent.
  llvm::Expected<llvm::StringRef> flags(llvm::StringRef Table, size_t Count) {
    unsigned Index = Table == "__ksymtab" ? indexOf(KflagstabSectionName) : 0;
    if (!Index)
      return llvm::StringRef();
    auto Data = contents(Index);
    if (!Data)
      return Data.takeError();
    if (Data->size() != Count)
      return fileError(FileName, "'" + KflagstabSectionName + "' has " + llvm::Twine(Data->size()) +
                                     " bytes for " + llvm::Twine(Count) + " entries of '" + Table +
                                     "'");
    return *Data;
  }

  llvm::StringRef FileName;
  const llvm::object::ELFFile<ELFT> &Elf;
  const SectionIndex &Index;
  llvm::ArrayRef<llvm::StringRef> SectionNames;
  llvm::StringRef Exporter;
  llvm::ArrayRef<Shdr> Sections;
  const Shdr *SymTab = nullptr;
  llvm::ArrayRef<Sym> Symbols;
  unsigned StringsIndex = 0;
  llvm::StringRef Strings;

  llvm::Error indexSections() {
    auto Secs = Elf.sections();
    if (!Secs)
      return inFile(FileName, Secs.takeError());
    Sections = *Secs;
    for (const Shdr &Sec : Sections)
      if (Sec.sh_type == llvm::ELF::SHT_SYMTAB && !SymTab)
        SymTab = &Sec;
    return llvm::Error::success();
  }

  // Index of the section called Name, or 0.
  unsigned indexOf(llvm::StringRef Name) const { return Index.first(Name, 1).value_or(0); }

  llvm::Expected<llvm::StringRef> contents(unsigned Index) {
    const Shdr &Sec = Sections[Index];
    if (Sec.sh_type == llvm::ELF::SHT_NOBITS)
      return fileError(FileName, "section '" + SectionNames[Index] + "' has no contents");
    auto Data = Elf.getSectionContents(Sec);
    if (!Data)
      return inFile(FileName, Data.takeError());
    return llvm::toStringRef(*Data);
  }

  // The symbols and strings are only needed once there is a table to resolve.
  llvm::Error loadSymbolsAndStrings() {
    if (!Symbols.empty())
      return llvm::Error::success();
    if (!SymTab)
      return fileError(FileName, "has export tables but no symbol table");
    auto Syms = Elf.symbols(SymTab);
    if (!Syms)
      return inFile(FileName, Syms.takeError());
    Symbols = *Syms;
    StringsIndex = indexOf(StringsSectionName);
    if (!StringsIndex)
      return fileError(FileName, "has export tables but no '" + StringsSectionName + "'");
    auto Data = contents(StringsIndex);
    if (!Data)
      return Data.takeError();
    Strings = *Data;
    return llvm::Error::success();
  }

  // Every relocation applying to section Target, by offset, checked against its bounds and
  // the symbol table.
  llvm::Expected<RelocMap> relocationsFor(unsigned Target) {
    RelocMap Map;
    const llvm::StringRef TargetName = SectionNames[Target];
    uint64_t TargetSize = Sections[Target].sh_size;
    auto Add = [&](uint64_t Offset, uint32_t SymIndex, int64_t Addend,
                   bool Explicit) -> llvm::Error {
      if (Offset >= TargetSize || TargetSize - Offset < 4)
        return fileError(FileName, "relocation at offset " + llvm::Twine(Offset) +
                                       " lies outside '" + TargetName + "' (" +
                                       llvm::Twine(TargetSize) + " bytes)");
      if (SymIndex >= Symbols.size())
        return fileError(FileName, "relocation for '" + TargetName + "' at offset " +
                                       llvm::Twine(Offset) + " uses symbol index " +
                                       llvm::Twine(SymIndex) + " of " +
                                       llvm::Twine(Symbols.size()));
      Map[Offset].push_back({SymIndex, Addend, Explicit});
      return llvm::Error::success();
    };
    bool Mips64EL = Elf.isMips64EL();
    for (unsigned I = 1; I < Sections.size(); ++I) {
      const Shdr &Sec = Sections[I];
      bool IsRela = Sec.sh_type == llvm::ELF::SHT_RELA;
      if ((!IsRela && Sec.sh_type != llvm::ELF::SHT_REL) || Sec.sh_info != Target)
        continue;
      if (Sec.sh_link >= Sections.size() || &Sections[Sec.sh_link] != SymTab)
        return fileError(FileName, "relocation section '" + SectionNames[I] +
                                       "' does not use the symbol table");
      if (IsRela) {
        auto Relas = Elf.relas(Sec);
        if (!Relas)
          return inFile(FileName, Relas.takeError());
        for (const auto &R : *Relas)
          if (llvm::Error E = Add(R.r_offset, R.getSymbol(Mips64EL), R.r_addend, true))
            return E;
      } else {
        auto Rels = Elf.rels(Sec);
        if (!Rels)
          return inFile(FileName, Rels.takeError());
        for (const auto &R : *Rels)
          if (llvm::Error E = Add(R.r_offset, R.getSymbol(Mips64EL), 0, false))
            return E;
      }
    }
    return Map;
  }

  // A field as stored in the section (the implicit addend of REL relocations).
  int64_t fieldValue(llvm::StringRef Data, uint64_t Offset, unsigned Size) const {
    const char *P = Data.data() + Offset;
    if (Size == 8)
      return int64_t(llvm::support::endian::read<uint64_t, Endian>(P));
    return int32_t(llvm::support::endian::read<uint32_t, Endian>(P));
  }

  llvm::Expected<EntryLayout> layoutOf(llvm::StringRef Table, const RelocMap &Relocs,
                                       uint64_t Size) const {
    EntryLayout L;
    if (!ELFT::Is64Bits || Relocs.count(4) || Size == 0)
      return L; // on 32-bit targets both forms have 4-byte fields
    if (Relocs.count(8))
      return EntryLayout{24, 8};
    return fileError(FileName, "cannot tell the entry layout of '" + Table +
                                   "': the first entry's name has no relocation");
  }

  // The string the field at Offset designates. Absent (nullopt) only when Optional and the
  // field holds 0 with no relocation: an old-style "no namespace".
  llvm::Expected<std::optional<llvm::StringRef>>
  fieldString(llvm::StringRef Table, llvm::StringRef Data, const RelocMap &Relocs, uint64_t Offset,
              unsigned Size, llvm::StringRef What, bool Optional) {
    // A std::string, not a Twine: a Twine returned from here would point at dead temporaries.
    auto Where = [&]() -> std::string {
      return (What + " field at offset " + llvm::Twine(Offset) + " of '" + Table + "'").str();
    };
    auto It = Relocs.find(Offset);
    if (It == Relocs.end()) {
      if (Optional && fieldValue(Data, Offset, Size) == 0)
        return std::nullopt;
      return fileError(FileName, Where() + " has no relocation");
    }
    // Some targets encode a difference as a pair (RISC-V ADD32/SUB32); the member that lands
    // in the strings section is the one naming the string.
    const FieldReloc *Hit = nullptr;
    for (const FieldReloc &R : It->second) {
      if (Symbols[R.SymIndex].st_shndx != StringsIndex)
        continue;
      if (Hit)
        return fileError(FileName,
                         Where() + " has several relocations into '" + StringsSectionName + "'");
      Hit = &R;
    }
    if (!Hit)
      return fileError(FileName, Where() + " does not point into '" + StringsSectionName + "'");
    int64_t Addend = Hit->ExplicitAddend ? Hit->Addend : fieldValue(Data, Offset, Size);
    uint64_t Target = uint64_t(Symbols[Hit->SymIndex].st_value) + uint64_t(Addend);
    if (Target >= Strings.size())
      return fileError(FileName, Where() + " points outside '" + StringsSectionName + "' (" +
                                     llvm::Twine(int64_t(Target)) + " of " +
                                     llvm::Twine(Strings.size()) + " bytes)");
    size_t End = Strings.find('\0', Target);
    if (End == llvm::StringRef::npos)
      return fileError(FileName, Where() + " points to a string without a terminating NUL");
    return std::optional<llvm::StringRef>(Strings.slice(Target, End));
  }

  // CRC i of a __kcrctab. Before Linux 5.19 the slots were filled by relocations against
  // absolute __crc_<sym> symbols, so a relocated slot takes its value from the symbol.
  llvm::Expected<uint32_t> crcAt(llvm::StringRef Table, llvm::StringRef Data,
                                 const RelocMap &Relocs, size_t I) {
    uint64_t Offset = I * 4;
    auto It = Relocs.find(Offset);
    if (It == Relocs.end())
      return llvm::support::endian::read<uint32_t, Endian>(Data.data() + Offset);
    const FieldReloc &R = It->second.front();
    const Sym &S = Symbols[R.SymIndex];
    if (S.st_shndx != llvm::ELF::SHN_ABS)
      return fileError(FileName, "CRC " + llvm::Twine(I) + " of '" + Table +
                                     "' is relocated against a non-absolute symbol");
    int64_t Addend = R.ExplicitAddend ? R.Addend : fieldValue(Data, Offset, 4);
    return uint32_t(uint64_t(S.st_value) + uint64_t(Addend));
  }

  llvm::Error readTable(llvm::StringRef Table, llvm::StringRef CrcTable, bool Gpl, SymbolDb &Db) {
    unsigned Index = indexOf(Table);
    if (!Index)
      return llvm::Error::success();
    if (llvm::Error E = loadSymbolsAndStrings())
      return E;
    auto Data = contents(Index);
    if (!Data)
      return Data.takeError();
    auto Relocs = relocationsFor(Index);
    if (!Relocs)
      return Relocs.takeError();
    auto Layout = layoutOf(Table, *Relocs, Data->size());
    if (!Layout)
      return Layout.takeError();
    if (Data->size() % Layout->EntrySize)
      return fileError(FileName, "size of '" + Table + "' (" + llvm::Twine(Data->size()) +
                                     ") is not a multiple of " + llvm::Twine(Layout->EntrySize));
    size_t Count = Data->size() / Layout->EntrySize;

    llvm::StringRef Crcs;
    RelocMap CrcRelocs;
    unsigned CrcIndex = indexOf(CrcTable);
    if (CrcIndex) {
      auto CrcData = contents(CrcIndex);
      if (!CrcData)
        return CrcData.takeError();
      Crcs = *CrcData;
      if (Crcs.size() != Count * 4)
        return fileError(FileName, "'" + CrcTable + "' has " + llvm::Twine(Crcs.size()) +
                                       " bytes for " + llvm::Twine(Count) + " entries of '" +
                                       Table + "'");
      auto R = relocationsFor(CrcIndex);
      if (!R)
        return R.takeError();
      CrcRelocs = std::move(*R);
    }

    auto Flags = flags(Table, Count);
    if (!Flags)
      return Flags.takeError();

    unsigned F = Layout->FieldSize;
    for (size_t I = 0; I < Count; ++I) {
      uint64_t Base = I * Layout->EntrySize;
      auto Name = fieldString(Table, *Data, *Relocs, Base + F, F, "name", false);
      if (!Name)
        return Name.takeError();
      if ((*Name)->empty())
        return fileError(FileName,
                         "entry " + llvm::Twine(I) + " of '" + Table + "' has an empty name");
      auto Ns = fieldString(Table, *Data, *Relocs, Base + 2 * F, F, "namespace", true);
      if (!Ns)
        return Ns.takeError();
      Export E;
      E.Name = (*Name)->str();
      E.GplOnly = Gpl || (!Flags->empty() && (uint8_t((*Flags)[I]) & KsymFlagGplOnly));
      E.Namespace = Ns->value_or("").str();
      E.Exporter = Exporter.str();
      E.Source = FileName.str();
      E.HasCrc = CrcIndex != 0;
      if (E.HasCrc) {
        auto Crc = crcAt(CrcTable, Crcs, CrcRelocs, I);
        if (!Crc)
          return Crc.takeError();
        E.Crc = *Crc;
      }
      if (llvm::Error Err = Db.add(std::move(E)))
        return inFile(FileName, std::move(Err));
    }
    return llvm::Error::success();
  }
};

} // namespace

template <typename ELFT>
llvm::Expected<SymbolDb> readExportsFrom(llvm::StringRef FileName,
                                         const llvm::object::ELFFile<ELFT> &Elf,
                                         const SectionIndex &Index, llvm::StringRef ExporterName) {
  return ExportReader<ELFT>(FileName, Elf, Index, ExporterName).read();
}

#define INSTANTIATE(ELFT)                                                                          \
  template llvm::Expected<SymbolDb> readExportsFrom<ELFT>(llvm::StringRef,                         \
                                                          const llvm::object::ELFFile<ELFT> &,     \
                                                          const SectionIndex &, llvm::StringRef);
MODVER_FOR_EACH_ELFT(INSTANTIATE)
#undef INSTANTIATE

llvm::Expected<SymbolDb> readModuleExports(llvm::StringRef FileName, llvm::StringRef ElfBytes,
                                           llvm::StringRef ExporterName) {
  auto M = ModuleObject::fromBytes(FileName, ElfBytes);
  if (!M)
    return M.takeError();
  return M->exports(ExporterName);
}

} // namespace modver
