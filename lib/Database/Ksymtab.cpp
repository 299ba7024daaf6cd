// Reading the export tables of vmlinux.
//
// struct kernel_symbol comes in two layouts: three PREL32 offsets (12 bytes, each relative to
// its own field) or three absolute pointers. The layout is decided by validating every entry
// (each name must be a NUL-terminated string inside __ksymtab_strings), not guessed from
// e_machine, because which architectures use PREL32 changed across kernel versions. CRCs come
// from the parallel __kcrctab arrays, or failing those, from __crc_<sym> symbols. Since Linux
// 7.1 there is one __ksymtab for every export and GPL-ness is a byte per entry in __kflagstab
// (bit 0); before, GPL-only exports sat in __ksymtab_gpl.
#include "Database/Ksymtab.h"

#include "Elf/ElfFile.h"
#include "Support/Error.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Endian.h"
#include <optional>

namespace modver {

namespace {

using llvm::object::ELFFile;

enum class EntryForm { Prel32, Absolute };

// An allocated section's bytes and its address, for address -> byte lookups.
struct Mapped {
  llvm::StringRef Name;
  uint64_t Addr = 0;
  llvm::StringRef Data;

  bool contains(uint64_t A, uint64_t Len) const {
    return A >= Addr && A - Addr <= Data.size() && Data.size() - (A - Addr) >= Len;
  }
};

template <typename ELFT> class KsymtabReader {
public:
  KsymtabReader(llvm::StringRef FileName, const ELFFile<ELFT> &Elf)
      : FileName(FileName), Elf(Elf) {}

  llvm::Expected<KsymtabExports> read() {
    auto Ksymtab = section("__ksymtab");
    if (!Ksymtab)
      return Ksymtab.takeError();
    if (!*Ksymtab)
      return fileError(FileName, "not a kernel image: no __ksymtab section");
    auto Strings = section("__ksymtab_strings");
    if (!Strings)
      return Strings.takeError();
    if (!*Strings)
      return fileError(FileName, "not a kernel image: no __ksymtab_strings section");
    StringsSec = **Strings;

    KsymtabExports Result;
    std::vector<Export> &Out = Result.Exports;
    for (bool Gpl : {false, true}) {
      auto Table = section(Gpl ? "__ksymtab_gpl" : "__ksymtab");
      if (!Table)
        return Table.takeError();
      if (!*Table)
        continue; // an empty __ksymtab_gpl may be dropped by the linker
      if (llvm::Error E = readTable(**Table, Gpl, Out))
        return E;
    }
    auto Flagged = applyFlags(Out);
    if (!Flagged)
      return Flagged.takeError();
    Result.HasKflagstab = *Flagged;
    return Result;
  }

private:
  static constexpr bool Is64 = ELFT::Is64Bits;
  static constexpr unsigned WordSize = Is64 ? 8 : 4;
  static constexpr llvm::endianness Endian = ELFT::Endianness;

  // The allocated section Name as address + bytes (bounds-checked by LLVM), or None.
  llvm::Expected<std::optional<Mapped>> section(llvm::StringRef Name) {
    auto Sec = findSection(Elf, Name);
    if (!Sec)
      return inFile(FileName, Sec.takeError());
    if (!*Sec)
      return std::nullopt;
    return mapped(**Sec, Name);
  }

  llvm::Expected<Mapped> mapped(const typename ELFT::Shdr &Sec, llvm::StringRef Name) {
    if (Sec.sh_type == llvm::ELF::SHT_NOBITS)
      return fileError(FileName, "section " + Name + " has no data in the file");
    auto Data = Elf.getSectionContents(Sec);
    if (!Data)
      return fileError(FileName, "section " + Name + ": " + llvm::toString(Data.takeError()));
    Mapped M;
    M.Name = Name;
    M.Addr = Sec.sh_addr;
    M.Data = llvm::toStringRef(*Data);
    return M;
  }

  uint64_t wrap(uint64_t A) const { return Is64 ? A : (A & 0xffffffffu); }

  // The string starting at address A inside __ksymtab_strings, or None when A is outside it or
  // the string runs off its end. Strings may be tail-merged by the linker, so A need not
  // follow a NUL.
  std::optional<llvm::StringRef> stringAt(uint64_t A) const {
    if (!StringsSec.contains(A, 1))
      return std::nullopt;
    size_t Off = A - StringsSec.Addr;
    size_t End = StringsSec.Data.find('\0', Off);
    if (End == llvm::StringRef::npos)
      return std::nullopt;
    return StringsSec.Data.slice(Off, End);
  }

  // Field K (0 value, 1 name, 2 namespace) of entry I as the address it designates.
  uint64_t fieldTarget(const Mapped &T, EntryForm F, size_t I, unsigned K) const {
    if (F == EntryForm::Prel32) {
      size_t Off = I * 12 + K * 4;
      int32_t Rel = llvm::support::endian::read<int32_t, Endian>(T.Data.data() + Off);
      return wrap(T.Addr + Off + uint64_t(int64_t(Rel)));
    }
    size_t Off = (I * 3 + K) * WordSize;
    if (Is64)
      return llvm::support::endian::read<uint64_t, Endian>(T.Data.data() + Off);
    return llvm::support::endian::read<uint32_t, Endian>(T.Data.data() + Off);
  }

  // A field that says "no namespace": offset 0 (PREL32, as 5.4 emitted) or a null pointer.
  bool noNamespace(const Mapped &T, EntryForm F, size_t I) const {
    if (F == EntryForm::Prel32)
      return llvm::support::endian::read<int32_t, Endian>(T.Data.data() + I * 12 + 8) == 0;
    return fieldTarget(T, F, I, 2) == 0;
  }

  struct Decoded {
    std::vector<std::pair<llvm::StringRef, llvm::StringRef>> Entries; // name, namespace
    size_t GoodEntries = 0; // how far decoding got before failing, to pick the best error
    std::string Problem;    // empty when every entry validated
  };

  Decoded decode(const Mapped &T, EntryForm F) const {
    Decoded D;
    size_t Size = F == EntryForm::Prel32 ? 12 : 3 * WordSize;
    size_t Count = T.Data.size() / Size;
    D.Entries.reserve(Count);
    for (size_t I = 0; I < Count; ++I) {
      auto Name = stringAt(fieldTarget(T, F, I, 1));
      if (!Name || Name->empty()) {
        D.Problem = "entry " + std::to_string(I) + " of " + T.Name.str() +
                    ": name does not point to a NUL-terminated string in __ksymtab_strings";
        return D;
      }
      llvm::StringRef Ns;
      if (!noNamespace(T, F, I)) {
        auto S = stringAt(fieldTarget(T, F, I, 2));
        if (!S) {
          D.Problem = "entry " + std::to_string(I) + " of " + T.Name.str() + " (" + Name->str() +
                      "): namespace does not point to a NUL-terminated string in "
                      "__ksymtab_strings";
          return D;
        }
        Ns = *S;
      }
      D.Entries.push_back({*Name, Ns});
      D.GoodEntries = I + 1;
    }
    return D;
  }

  // Both layouts whose size fits are tried; the one where every entry validates wins.
  llvm::Expected<Decoded> decodeTable(const Mapped &T) {
    size_t Size = T.Data.size();
    bool FitsPrel = Size % 12 == 0, FitsAbs = Size % (3 * WordSize) == 0;
    if (!FitsPrel && !FitsAbs)
      return fileError(FileName, "size of " + T.Name + " (" + llvm::Twine(Size) +
                                     " bytes) is not a multiple of the entry size (12 or " +
                                     llvm::Twine(3 * WordSize) + ")");
    std::optional<Decoded> Best;
    for (EntryForm F : {EntryForm::Prel32, EntryForm::Absolute}) {
      if (!(F == EntryForm::Prel32 ? FitsPrel : FitsAbs))
        continue;
      Decoded D = decode(T, F);
      if (D.Problem.empty())
        return D;
      if (!Best || D.GoodEntries > Best->GoodEntries)
        Best = std::move(D);
    }
    return fileError(FileName, Best->Problem);
  }

  llvm::Error readTable(const Mapped &T, bool Gpl, std::vector<Export> &Out) {
    auto D = decodeTable(T);
    if (!D)
      return D.takeError();
    size_t Count = D->Entries.size();

    std::vector<std::optional<uint32_t>> Crcs(Count);
    auto Crctab = section(Gpl ? "__kcrctab_gpl" : "__kcrctab");
    if (!Crctab)
      return Crctab.takeError();
    if (*Crctab) {
      // Parallel to the ksymtab by index: the loader computes crc = crcs + (sym - syms).
      const Mapped &C = **Crctab;
      if (C.Data.size() != Count * 4)
        return fileError(FileName, C.Name + " has " + llvm::Twine(C.Data.size()) + " bytes for " +
                                       llvm::Twine(Count) + " entries of " + T.Name + " (need " +
                                       llvm::Twine(Count * 4) + ")");
      for (size_t I = 0; I < Count; ++I)
        Crcs[I] = llvm::support::endian::read<uint32_t, Endian>(C.Data.data() + I * 4);
    } else if (Count) {
      auto Syms = crcSymbols();
      if (!Syms)
        return Syms.takeError();
      for (size_t I = 0; I < Count; ++I) {
        auto It = (*Syms)->find(D->Entries[I].first);
        if (It != (*Syms)->end())
          Crcs[I] = It->second;
      }
    }

    for (size_t I = 0; I < Count; ++I) {
      Export E;
      E.Name = D->Entries[I].first.str();
      E.Namespace = D->Entries[I].second.str();
      E.GplOnly = Gpl;
      E.HasCrc = Crcs[I].has_value();
      E.Crc = Crcs[I].value_or(0);
      Out.push_back(std::move(E));
    }
    return llvm::Error::success();
  }

  // __kflagstab (7.1+): byte I belongs to entry I of __ksymtab, bit 0 = GPL-only. Without it
  // the GPL-ness from the table names stands. True when the section exists.
  llvm::Expected<bool> applyFlags(std::vector<Export> &Out) {
    auto Flags = section(KflagstabSectionName);
    if (!Flags)
      return Flags.takeError();
    if (!*Flags)
      return false;
    const Mapped &F = **Flags;
    if (F.Data.size() != Out.size())
      return fileError(FileName, "__kflagstab has " + llvm::Twine(F.Data.size()) + " bytes for " +
                                     llvm::Twine(Out.size()) +
                                     " exports (need one per __ksymtab entry)");
    for (size_t I = 0; I < Out.size(); ++I)
      Out[I].GplOnly = Out[I].GplOnly || (uint8_t(F.Data[I]) & KsymFlagGplOnly);
    return true;
  }

  // CRCs from __crc_<sym> symbols in .symtab (keyed by <sym>), read once. Before 5.19 they
  // were absolute symbols whose value is the CRC; since then a local label on the CRC word.
  llvm::Expected<const llvm::StringMap<uint32_t> *> crcSymbols() {
    if (CrcSyms)
      return &*CrcSyms;
    CrcSyms.emplace();
    auto Sections = Elf.sections();
    if (!Sections)
      return inFile(FileName, Sections.takeError());
    for (const auto &Sec : *Sections) {
      if (Sec.sh_type != llvm::ELF::SHT_SYMTAB)
        continue;
      auto Syms = Elf.symbols(&Sec);
      auto StrTab = Elf.getStringTableForSymtab(Sec, *Sections);
      if (!Syms)
        return inFile(FileName, Syms.takeError());
      if (!StrTab)
        return inFile(FileName, StrTab.takeError());
      for (const auto &Sym : *Syms) {
        auto SymName = Sym.getName(*StrTab);
        if (!SymName)
          return inFile(FileName, SymName.takeError());
        if (!SymName->starts_with("__crc_"))
          continue;
        llvm::StringRef Exported = SymName->drop_front(6);
        if (Sym.st_shndx == llvm::ELF::SHN_ABS) {
          (*CrcSyms)[Exported] = uint32_t(Sym.st_value);
          continue;
        }
        auto Crc = readWordAt(Sym.st_value, *SymName);
        if (!Crc)
          return Crc.takeError();
        (*CrcSyms)[Exported] = *Crc;
      }
    }
    return &*CrcSyms;
  }

  // The 32-bit word at address A, through the allocated section that holds it.
  llvm::Expected<uint32_t> readWordAt(uint64_t A, llvm::StringRef What) {
    auto Sections = Elf.sections();
    if (!Sections)
      return inFile(FileName, Sections.takeError());
    for (const auto &Sec : *Sections) {
      if (!(Sec.sh_flags & llvm::ELF::SHF_ALLOC) || Sec.sh_type == llvm::ELF::SHT_NOBITS)
        continue;
      if (A < Sec.sh_addr || A - Sec.sh_addr >= Sec.sh_size)
        continue;
      auto M = mapped(Sec, "");
      if (!M)
        return M.takeError();
      if (!M->contains(A, 4))
        break;
      return llvm::support::endian::read<uint32_t, Endian>(M->Data.data() + (A - M->Addr));
    }
    return fileError(FileName, What + " points outside the file's sections (address " +
                                   llvm::Twine::utohexstr(A) + ")");
  }

  llvm::StringRef FileName;
  const ELFFile<ELFT> &Elf;
  Mapped StringsSec;
  std::optional<llvm::StringMap<uint32_t>> CrcSyms;
};

template <typename ELFT>
llvm::Expected<KsymtabExports> readWith(llvm::StringRef Name, const ELFFile<ELFT> &Elf) {
  return KsymtabReader<ELFT>(Name, Elf).read();
}

} // namespace

llvm::Expected<KsymtabExports> readKsymtabs(llvm::StringRef Name, llvm::StringRef Bytes) {
  return withElfFile(Name, Bytes, [&](const auto &Elf) { return readWith(Name, Elf); });
}

} // namespace modver
