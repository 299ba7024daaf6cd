// Finding the export tables in a flat kernel image.
//
// A flat image is the kernel laid out as in memory, so a PREL32 offset (target minus the
// field's own address) is also a file offset difference. The linker script
// (include/asm-generic/vmlinux.lds.h) places, back to back:
//   6.x:  __ksymtab, __ksymtab_gpl (12-byte entries, each table sorted by name),
//         __kcrctab, __kcrctab_gpl (one 32-bit CRC per entry, when CONFIG_MODVERSIONS),
//         __ksymtab_strings
//   7.1+: __ksymtab (one table sorted by name), __kcrctab (when MODVERSIONS),
//         __kflagstab (one byte per entry, bit 0 = GPL-only), __ksymtab_strings
// So the search looks for runs of 12-byte entries whose name fields point to identifiers and
// whose namespace fields point to strings, then accepts a run only when the strings begin
// exactly where one of those layouts says (the gap after the entries is 0, 4N, N or 5N bytes
// for N entries) and the sort order has the break that layout implies (two sorted tables for
// 6.x, one for 7.1+). Exactly one run must pass: none or several is an error, never a guess.
// Only the PREL32 entry form is read: absolute pointers would need the load address.
#include "Kernel/FlatImage.h"

#include "Support/Error.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace modver {

namespace {

constexpr size_t EntrySize = 12;
// Names longer than this are not symbol names (KSYM_NAME_LEN is 512).
constexpr size_t MaxStringLen = 512;
// A run shorter than this is not taken for an export table: short runs of offsets to
// strings occur in other PREL32 data, and a kernel exports thousands of symbols.
constexpr size_t MinEntries = 2;

// arm64 Image header (Documentation/arch/arm64/booting.rst), all fields little-endian.
constexpr size_t Arm64MagicOff = 0x38;
constexpr size_t Arm64FlagsOff = 0x18;
constexpr uint32_t Arm64Magic = 0x644d5241; // "ARM\x64"

bool isIdentStart(char C) { return llvm::isAlpha(C) || C == '_'; }
bool isIdentChar(char C) { return llvm::isAlnum(C) || C == '_' || C == '.'; }

class FlatReader {
public:
  FlatReader(llvm::StringRef Name, llvm::StringRef Image, bool LE)
      : Name(Name), Image(Image), LE(LE) {}

  llvm::Expected<KsymtabExports> read() {
    classifyStrings();
    llvm::BitVector Valid(Image.size() / 4);
    for (size_t P = 0; P + EntrySize <= Image.size(); P += 4)
      if (entryLooksValid(P))
        Valid.set(P / 4);

    std::vector<std::pair<size_t, KsymtabExports>> Matches;
    std::string BestMiss;
    size_t BestMissCount = 0;
    // Entries are 4-aligned and 12 bytes long: three interleaved chains of candidates.
    for (size_t Phase = 0; Phase < 3; ++Phase) {
      size_t Words = Valid.size();
      for (size_t W = Phase; W < Words;) {
        if (!Valid.test(W)) {
          W += 3;
          continue;
        }
        size_t Start = W;
        while (W < Words && Valid.test(W))
          W += 3;
        size_t Count = (W - Start) / 3;
        if (Count < MinEntries)
          continue;
        std::string Miss;
        if (auto Found = tryRun(Start * 4, Count, Miss))
          Matches.push_back({Start * 4, std::move(*Found)});
        else if (Count > BestMissCount) {
          BestMissCount = Count;
          BestMiss = "the longest run of export-like entries (" + std::to_string(Count) +
                     " at offset 0x" + llvm::utohexstr(Start * 4) + ") " + Miss;
        }
      }
    }
    if (Matches.size() == 1)
      return std::move(Matches.front().second);
    if (Matches.empty())
      return fileError(Name, "flat kernel image: no export table found" +
                                 (BestMiss.empty() ? std::string() : "; " + BestMiss));
    std::string Where;
    for (const auto &M : Matches)
      Where += (Where.empty() ? "0x" : ", 0x") + llvm::utohexstr(M.first);
    return fileError(Name, "flat kernel image: " + llvm::Twine(Matches.size()) +
                               " places fit the export tables' layout (at " + Where +
                               "); cannot tell which is __ksymtab");
  }

private:
  struct Entry {
    llvm::StringRef Name, Namespace;
    size_t NameOff, NsOff;
  };

  int32_t rel(size_t Off) const {
    return LE ? llvm::support::endian::read32le(Image.data() + Off)
              : llvm::support::endian::read32be(Image.data() + Off);
  }
  uint32_t word(size_t Off) const { return uint32_t(rel(Off)); }

  // The NUL-terminated string at the target of the PREL32 field at Field, if any.
  std::optional<std::pair<llvm::StringRef, size_t>> stringAt(size_t Field) const {
    auto T = target(Field);
    if (!T)
      return std::nullopt;
    llvm::StringRef Rest = Image.substr(*T, MaxStringLen + 1);
    size_t End = Rest.find('\0');
    if (End == llvm::StringRef::npos)
      return std::nullopt;
    return std::make_pair(Rest.take_front(End), *T);
  }

  // One backward pass marks where an identifier (IdentAt) or a printable string, maybe empty
  // (StringAt), starts and runs to a NUL within MaxStringLen bytes: the scan then tests each
  // candidate entry in constant time, however the image's strings are laid out.
  void classifyStrings() {
    IdentAt.resize(Image.size());
    StringAt.resize(Image.size());
    size_t Len = SIZE_MAX; // bytes up to the next NUL; SIZE_MAX: none follows
    bool Ident = false, Printable = false;
    for (size_t T = Image.size(); T-- > 0;) {
      char C = Image[T];
      if (C == '\0') {
        Len = 0;
        Ident = Printable = true;
      } else {
        Len = Len == SIZE_MAX ? Len : Len + 1;
        Ident = Ident && isIdentChar(C);
        Printable = Printable && C > 0x20 && C < 0x7f;
      }
      if (Len > MaxStringLen)
        continue;
      if (Printable)
        StringAt.set(T);
      if (Ident && Len && isIdentStart(C))
        IdentAt.set(T);
    }
  }

  // The offset the PREL32 field at Field designates, if inside the image.
  std::optional<size_t> target(size_t Field) const {
    int64_t T = int64_t(Field) + rel(Field);
    if (T < 0 || uint64_t(T) >= Image.size())
      return std::nullopt;
    return size_t(T);
  }

  // Whether the entry at P names an identifier and its namespace field a printable string.
  bool entryLooksValid(size_t P) const {
    auto N = target(P + 4), Ns = target(P + 8);
    return N && Ns && IdentAt.test(*N) && StringAt.test(*Ns);
  }

  // The entry at P, which entryLooksValid accepted.
  Entry entryAt(size_t P) const {
    auto N = stringAt(P + 4), Ns = stringAt(P + 8);
    return Entry{N->first, Ns->first, N->second, Ns->second};
  }

  // The exports if the Count entries at Start are the export tables, else Miss says why not.
  std::optional<KsymtabExports> tryRun(size_t Start, size_t Count, std::string &Miss) const {
    std::vector<Entry> Entries;
    Entries.reserve(Count);
    size_t Lo = SIZE_MAX, Hi = 0, Bytes = 0;
    std::vector<size_t> Breaks; // indexes where the name order starts again
    for (size_t I = 0; I < Count; ++I) {
      Entries.push_back(entryAt(Start + I * EntrySize));
      const Entry &E = Entries.back();
      Lo = std::min({Lo, E.NameOff, E.NsOff});
      Hi = std::max({Hi, E.NameOff + E.Name.size() + 1, E.NsOff + E.Namespace.size() + 1});
      Bytes += E.Name.size() + 1 + E.Namespace.size() + 1;
      if (I && !(Entries[I - 1].Name < E.Name))
        Breaks.push_back(I);
    }
    size_t End = Start + Count * EntrySize;
    if (Lo < End) {
      Miss = "has strings before its end, not after its tables";
      return std::nullopt;
    }
    // Merging only shrinks the strings: an area larger than all of them, unmerged, holds
    // other data.
    if (Hi - Lo > Bytes) {
      Miss = "points to strings spread over " + std::to_string(Hi - Lo) + " bytes, more than " +
             "the " + std::to_string(Bytes) + " its names and namespaces take";
      return std::nullopt;
    }
    size_t Gap = Lo - End;
    bool Crcs = Gap == 4 * Count || Gap == 5 * Count;
    bool Flags = Gap == Count || Gap == 5 * Count;
    if (!Crcs && !Flags && Gap != 0) {
      Miss = "is followed by " + std::to_string(Gap) + " bytes before its strings, where " +
             "__kcrctab and __kflagstab would take 0, " + std::to_string(Count) + ", " +
             std::to_string(4 * Count) + " or " + std::to_string(5 * Count);
      return std::nullopt;
    }
    // 6.x: __ksymtab then __ksymtab_gpl, two sorted tables; 7.1+: one.
    size_t Tables = Flags ? 1 : 2;
    if (Breaks.size() + 1 != Tables) {
      Miss = "has " + std::to_string(Breaks.size() + 1) + " sorted parts where its layout (" +
             (Flags ? "with __kflagstab" : "without __kflagstab") + ") has " +
             std::to_string(Tables) + " sorted table" + (Tables == 1 ? "" : "s");
      return std::nullopt;
    }
    size_t FlagsAt = End + (Crcs ? 4 * Count : 0);
    KsymtabExports Result;
    Result.HasKflagstab = Flags;
    for (size_t I = 0; I < Count; ++I) {
      Export X;
      X.Name = Entries[I].Name.str();
      X.Namespace = Entries[I].Namespace.str();
      X.HasCrc = Crcs;
      X.Crc = Crcs ? word(End + 4 * I) : 0;
      if (Flags) {
        uint8_t F = uint8_t(Image[FlagsAt + I]);
        if (F & ~KsymFlagGplOnly) {
          Miss = "has flag byte 0x" + llvm::utohexstr(F) + " for " + X.Name +
                 " in __kflagstab (only bit 0, GPL-only, is known)";
          return std::nullopt;
        }
        X.GplOnly = F & KsymFlagGplOnly;
      } else {
        X.GplOnly = I >= Breaks.front();
      }
      Result.Exports.push_back(std::move(X));
    }
    return Result;
  }

  llvm::StringRef Name, Image;
  bool LE;
  llvm::BitVector IdentAt, StringAt;
};

} // namespace

std::optional<ElfTarget> flatImageTarget(llvm::StringRef Bytes) {
  if (Bytes.size() < 0x40 ||
      llvm::support::endian::read32le(Bytes.data() + Arm64MagicOff) != Arm64Magic)
    return std::nullopt;
  ElfTarget T;
  T.Is64 = true;
  T.IsLittleEndian = !(llvm::support::endian::read64le(Bytes.data() + Arm64FlagsOff) & 1);
  T.Machine = llvm::ELF::EM_AARCH64;
  return T;
}

llvm::Expected<KsymtabExports> readFlatKsymtabs(llvm::StringRef Name, llvm::StringRef Image,
                                                bool IsLittleEndian) {
  return FlatReader(Name, Image, IsLittleEndian).read();
}

} // namespace modver
