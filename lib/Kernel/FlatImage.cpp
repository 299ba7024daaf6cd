// Finding the export tables in a flat kernel image (arm64's and riscv's Image).
//
// A flat image is the kernel laid out as in memory, so a PREL32 offset (target minus the
// field's own address) is also a file offset difference. Kernels without
// HAVE_ARCH_PREL32_RELOCATIONS (riscv) store absolute pointers instead, entries of three
// words: a field minus the image's link address (the address of its first byte) is a file
// offset. The header does not give that address, so it is found by a vote (see
// estimateBase) and then held to the same checks as the PREL32 form. The linker script
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
// The PREL32 form is tried first; the absolute form only when it finds nothing.
#include "Kernel/FlatImage.h"

#include "Support/Error.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace modver {

namespace {

// The absolute form's link address is taken to be a multiple of 2 MiB: the image starts at
// _start, which kernels that ship a flat image map with 2 MiB (PMD) pages (riscv64's is
// 0xffffffff80000000); a multiple of 2 MiB also bounds the vote to a few bases per word.
constexpr uint64_t BaseAlign = uint64_t(2) << 20;
// Names longer than this are not symbol names (KSYM_NAME_LEN is 512).
constexpr size_t MaxStringLen = 512;
// A run shorter than this is not taken for an export table: short runs of offsets to
// strings occur in other PREL32 data, and a kernel exports thousands of symbols.
constexpr size_t MinEntries = 2;

// arm64 Image header (Documentation/arch/arm64/booting.rst), all fields little-endian.
constexpr size_t Arm64MagicOff = 0x38;
constexpr size_t Arm64FlagsOff = 0x18;
constexpr uint32_t Arm64Magic = 0x644d5241; // "ARM\x64"

// RISC-V Image header (Documentation/arch/riscv/boot-image-header.rst), little-endian: the
// same places for text_offset (0x08) and flags (0x18, bit 0 = big-endian) as arm64's, magic2
// "RSC\x05" at 0x38 (the older "RISCV\0\0\0" at 0x30 is deprecated; magic2 has been there
// since header version 0.2). The header has no word-size field: the load offset tells, 2 MiB
// for a 64-bit S-mode kernel and 4 MiB for a 32-bit one (arch/riscv/kernel/head.S); M-mode
// kernels (offset 0) have no MMU and are not read, rather than guessed.
constexpr size_t RiscvMagic2Off = 0x38;
constexpr size_t RiscvTextOffsetOff = 0x08;
constexpr size_t RiscvFlagsOff = 0x18;
constexpr uint32_t RiscvMagic2 = 0x05435352; // "RSC\x05"
constexpr uint64_t Riscv64TextOffset = 0x200000;
constexpr uint64_t Riscv32TextOffset = 0x400000;

bool isIdentStart(char C) { return llvm::isAlpha(C) || C == '_'; }
bool isIdentChar(char C) { return llvm::isAlnum(C) || C == '_' || C == '.'; }

class FlatReader {
public:
  FlatReader(llvm::StringRef Name, llvm::StringRef Image, const ElfTarget &T)
      : Name(Name), Image(Image), LE(T.IsLittleEndian), PtrSize(T.wordSize()) {}

  llvm::Expected<KsymtabExports> read() {
    classifyStrings();
    std::string PrelMiss, AbsMiss;
    auto Prel = readForm(PrelMiss);
    if (!Prel)
      return Prel.takeError();
    if (*Prel)
      return std::move(**Prel);
    std::optional<uint64_t> B = estimateBase();
    if (!B)
      return noTable(PrelMiss);
    Base = B;
    auto Abs = readForm(AbsMiss);
    if (!Abs)
      return Abs.takeError();
    if (*Abs)
      return std::move(**Abs);
    return noTable(PrelMiss + "; nor " + AbsMiss);
  }

private:
  llvm::Error noTable(const std::string &Why) const {
    return fileError(Name, "flat kernel image: no export table found " + Why);
  }

  // Entry fields are 4 bytes (PREL32) or pointer-sized (absolute); an entry is three.
  size_t unit() const { return Base ? PtrSize : 4; }
  size_t entrySize() const { return 3 * unit(); }
  std::string form() const {
    return Base ? "absolute entries (link address 0x" + llvm::utohexstr(*Base) + ")"
                : std::string("PREL32 entries");
  }

  // The tables in the current form; nothing (and in Miss why not) when no place fits; an
  // error when several do, never a reason to try the other form.
  llvm::Expected<std::optional<KsymtabExports>> readForm(std::string &Miss) const {
    const size_t U = unit();
    llvm::BitVector Valid(Image.size() / U);
    for (size_t P = 0; P + entrySize() <= Image.size(); P += U)
      if (entryLooksValid(P))
        Valid.set(P / U);

    std::vector<std::pair<size_t, KsymtabExports>> Matches;
    std::string BestMiss;
    size_t BestMissCount = 0;
    // Entries are three aligned fields: three interleaved chains of candidates.
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
        std::string RunMiss;
        if (auto Found = tryRun(Start * U, Count, RunMiss))
          Matches.push_back({Start * U, std::move(*Found)});
        else if (Count > BestMissCount) {
          BestMissCount = Count;
          BestMiss = "the longest run of export-like entries (" + std::to_string(Count) +
                     " at offset 0x" + llvm::utohexstr(Start * U) + ") " + RunMiss;
        }
      }
    }
    if (Matches.size() == 1)
      return std::move(Matches.front().second);
    if (Matches.empty()) {
      Miss = "(" + form() + ")" + (BestMiss.empty() ? std::string() : "; " + BestMiss);
      return std::nullopt;
    }
    std::string Where;
    for (const auto &M : Matches)
      Where += (Where.empty() ? "0x" : ", 0x") + llvm::utohexstr(M.first);
    return fileError(Name, "flat kernel image: " + llvm::Twine(Matches.size()) +
                               " places fit the export tables' layout (" + form() + ", at " +
                               Where + "); cannot tell which is __ksymtab");
  }

  // The link address of an image with absolute entries: every pointer-sized word with the top
  // bit set (a kernel address) votes for each 2 MiB-aligned base that puts it inside the image
  // on a whole identifier (one that follows a NUL); the export tables' and other names'
  // pointers agree on the true base, stray words scatter. Counting identifiers that start
  // inside a string as well lets a wrong base win: on 6.12.118+deb13-riscv64 the true base
  // gets 30,645 votes and the base 2 MiB below 2,487, but 35,646 against 45,974 so counted.
  // The base only chooses where to look: the tables found with it pass every check of the
  // PREL32 form.
  std::optional<uint64_t> estimateBase() const {
    llvm::DenseMap<uint64_t, size_t> Votes;
    const uint64_t Top = uint64_t(1) << (8 * PtrSize - 1);
    for (size_t P = 0; P + PtrSize <= Image.size(); P += PtrSize) {
      uint64_t V = pointer(P);
      if (!(V & Top))
        continue;
      for (uint64_t B = V & ~(BaseAlign - 1); V - B < Image.size(); B -= BaseAlign) {
        size_t T = V - B;
        if (IdentAt.test(T) && (T == 0 || Image[T - 1] == '\0'))
          ++Votes[B];
        if (B < BaseAlign)
          break;
      }
    }
    std::optional<uint64_t> Best;
    size_t Most = 0;
    for (const auto &[B, N] : Votes)
      if (N > Most || (N == Most && B < *Best)) {
        Best = B;
        Most = N;
      }
    return Best;
  }

  struct Entry {
    llvm::StringRef Name, Namespace;
    size_t NameOff, NsOff;
  };

  int32_t rel(size_t Off) const {
    return LE ? llvm::support::endian::read32le(Image.data() + Off)
              : llvm::support::endian::read32be(Image.data() + Off);
  }
  uint32_t word(size_t Off) const { return uint32_t(rel(Off)); }
  uint64_t pointer(size_t Off) const {
    if (PtrSize == 4)
      return word(Off);
    return LE ? llvm::support::endian::read64le(Image.data() + Off)
              : llvm::support::endian::read64be(Image.data() + Off);
  }

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

  // The offset the field at Field designates, if inside the image.
  std::optional<size_t> target(size_t Field) const {
    if (Base) {
      uint64_t V = pointer(Field);
      if (V < *Base || V - *Base >= Image.size())
        return std::nullopt;
      return size_t(V - *Base);
    }
    int64_t T = int64_t(Field) + rel(Field);
    if (T < 0 || uint64_t(T) >= Image.size())
      return std::nullopt;
    return size_t(T);
  }

  // Whether the entry at P names an identifier and its namespace field a printable string.
  bool entryLooksValid(size_t P) const {
    auto N = target(P + unit()), Ns = target(P + 2 * unit());
    return N && Ns && IdentAt.test(*N) && StringAt.test(*Ns);
  }

  // The entry at P, which entryLooksValid accepted.
  Entry entryAt(size_t P) const {
    auto N = stringAt(P + unit()), Ns = stringAt(P + 2 * unit());
    return Entry{N->first, Ns->first, N->second, Ns->second};
  }

  // The exports if the Count entries at Start are the export tables, else Miss says why not.
  std::optional<KsymtabExports> tryRun(size_t Start, size_t Count, std::string &Miss) const {
    std::vector<Entry> Entries;
    Entries.reserve(Count);
    size_t Lo = SIZE_MAX, Hi = 0, Bytes = 0;
    std::vector<size_t> Breaks; // indexes where the name order starts again
    for (size_t I = 0; I < Count; ++I) {
      Entries.push_back(entryAt(Start + I * entrySize()));
      const Entry &E = Entries.back();
      Lo = std::min({Lo, E.NameOff, E.NsOff});
      Hi = std::max({Hi, E.NameOff + E.Name.size() + 1, E.NsOff + E.Namespace.size() + 1});
      Bytes += E.Name.size() + 1 + E.Namespace.size() + 1;
      if (I && !(Entries[I - 1].Name < E.Name))
        Breaks.push_back(I);
    }
    size_t End = Start + Count * entrySize();
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
  size_t PtrSize;
  std::optional<uint64_t> Base; // set: absolute entries, this the image's link address
  llvm::BitVector IdentAt, StringAt;
};

} // namespace

std::optional<ElfTarget> flatImageTarget(llvm::StringRef Bytes) {
  using namespace llvm::support::endian;
  if (Bytes.size() < 0x40)
    return std::nullopt;
  ElfTarget T;
  if (read32le(Bytes.data() + Arm64MagicOff) == Arm64Magic) {
    T.Is64 = true;
    T.IsLittleEndian = !(read64le(Bytes.data() + Arm64FlagsOff) & 1);
    T.Machine = llvm::ELF::EM_AARCH64;
    return T;
  }
  if (read32le(Bytes.data() + RiscvMagic2Off) == RiscvMagic2) {
    uint64_t TextOffset = read64le(Bytes.data() + RiscvTextOffsetOff);
    if (TextOffset != Riscv64TextOffset && TextOffset != Riscv32TextOffset)
      return std::nullopt;
    T.Is64 = TextOffset == Riscv64TextOffset;
    T.IsLittleEndian = !(read64le(Bytes.data() + RiscvFlagsOff) & 1);
    T.Machine = llvm::ELF::EM_RISCV;
    T.FlagsUnknown = true; // e_flags (RVC, float ABI) are not in the header
    return T;
  }
  return std::nullopt;
}

llvm::Expected<KsymtabExports> readFlatKsymtabs(llvm::StringRef Name, llvm::StringRef Image,
                                                const ElfTarget &Target) {
  return FlatReader(Name, Image, Target).read();
}

} // namespace modver
