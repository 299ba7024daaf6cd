// Flat kernel images (arm64 and riscv Image): export tables found by their layout, built here
// byte by byte in both byte orders and in the 6.x (__ksymtab_gpl) and 7.1+ (__kflagstab)
// layouts, with and without CRCs, PREL32 and absolute entries; near misses must be refused,
// never read as a wrong table.
//
// Word size does not enter: a flat image's tables are read only in the PREL32 form (three
// 32-bit offsets per entry), the same on 32- and 64-bit kernels; only the target read from
// the boot header (arm64's, riscv's) has one.
#include "Kernel/KernelImage.h"

#include "Compression/Decompress.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace modver;

namespace {

struct FlatSym {
  std::string Name;
  uint32_t Crc;
  bool Gpl;
  std::string Ns;
};

const std::vector<FlatSym> &flatSyms() {
  static const std::vector<FlatSym> Syms = {
      {"alpha", 0x11111111, false, ""},
      {"beta_ns", 0xdeadbeef, false, "BETA_NS"},
      {"omega", 0x7f000001, false, ""},
      {"gamma", 0x00000000, true, ""},
      {"zeta_gpl_ns", 0xcafef00d, true, "USB_STORAGE"},
      {"delta_gpl", 0x01020304, true, ""},
  };
  return Syms;
}

enum class Header { Arm64, Riscv };

struct FlatOptions {
  Header Arch = Header::Arm64;
  uint64_t RiscvTextOffset = 0x200000; // the load offset, which tells riscv's word size
  bool BigEndian = false;
  // Kernels without PREL32 relocations (riscv): entries of three pointers, the image's
  // first byte linked at LinkBase; 4-byte pointers when Ptr32.
  bool Absolute = false;
  bool Ptr32 = false;
  uint64_t LinkBase = 0xffffffff80000000;
  bool Kflagstab = false; // 7.1+: one table, GPL-ness in flag bytes
  bool Crcs = true;
  // Near misses:
  bool CrcShort = false;  // one CRC word missing before the strings
  bool Unsorted = false;  // two entries of the first table swapped
  bool BadFlag = false;   // a flag byte with an unknown bit
  bool TwoCopies = false; // the whole tables twice
  std::string Junk;       // bytes between the tables and the strings
};

class ImageBuilder {
public:
  explicit ImageBuilder(bool BE) : BE(BE) {}
  std::string Out;

  void u32(size_t At, uint32_t V) {
    if (BE)
      llvm::support::endian::write32be(&Out[At], V);
    else
      llvm::support::endian::write32le(&Out[At], V);
  }
  void ptr(size_t At, uint64_t V, bool Is32) {
    if (Is32)
      return u32(At, uint32_t(V));
    // Byte by byte: GCC's -Wstringop-overflow misjudges an inlined write64 here.
    for (unsigned I = 0; I < 8; ++I)
      Out[At + (BE ? 7 - I : I)] = char(V >> (8 * I));
  }
  void append32(uint32_t V) {
    Out.append(4, '\0');
    u32(Out.size() - 4, V);
  }

private:
  bool BE;
};

// Entries in table order: 6.x puts each table sorted by name, non-GPL first; 7.1+ one table.
std::vector<FlatSym> tableOrder(std::vector<FlatSym> Syms, bool Kflagstab) {
  std::stable_sort(Syms.begin(), Syms.end(), [&](const FlatSym &A, const FlatSym &B) {
    if (!Kflagstab && A.Gpl != B.Gpl)
      return !A.Gpl;
    return A.Name < B.Name;
  });
  return Syms;
}

// Tables, CRCs, flags and strings at the end of Img.
void appendTables(ImageBuilder &Img, const std::vector<FlatSym> &Syms, const FlatOptions &O) {
  size_t N = Syms.size();
  size_t Tab = Img.Out.size();
  size_t Unit = O.Absolute && !O.Ptr32 ? 8 : 4;
  size_t After = Tab + 3 * Unit * N + (O.Crcs ? 4 * N - (O.CrcShort ? 4 : 0) : 0) +
                 (O.Kflagstab ? N : 0) + O.Junk.size();
  // Strings: name NUL namespace NUL per entry, as __KSYMTAB emits them.
  std::string Strings;
  std::vector<std::pair<size_t, size_t>> At;
  for (const FlatSym &S : Syms) {
    size_t Name = After + Strings.size();
    Strings += S.Name + '\0';
    At.push_back({Name, After + Strings.size()});
    Strings += S.Ns + '\0';
  }
  Img.Out.resize(Tab + 3 * Unit * N);
  for (size_t I = 0; I < N; ++I) {
    size_t E = Tab + 3 * Unit * I;
    if (O.Absolute) {
      Img.ptr(E, O.LinkBase + 0x100 + 8 * I, O.Ptr32);
      Img.ptr(E + Unit, O.LinkBase + At[I].first, O.Ptr32);
      Img.ptr(E + 2 * Unit, O.LinkBase + At[I].second, O.Ptr32);
      continue;
    }
    Img.u32(E, uint32_t(0x100 + 8 * I - E)); // the value: somewhere in the code before
    Img.u32(E + 4, uint32_t(At[I].first - (E + 4)));
    Img.u32(E + 8, uint32_t(At[I].second - (E + 8)));
  }
  if (O.Crcs)
    for (size_t I = 0; I + (O.CrcShort ? 1 : 0) < N; ++I)
      Img.append32(Syms[I].Crc);
  if (O.Kflagstab)
    for (size_t I = 0; I < N; ++I)
      Img.Out += char((Syms[I].Gpl ? 1 : 0) | (O.BadFlag && I == 1 ? 0x80 : 0));
  Img.Out += O.Junk;
  Img.Out += Strings;
}

std::string flatImage(const FlatOptions &O, size_t *TablesAt = nullptr) {
  ImageBuilder Img(O.BigEndian);
  // Both headers: code0/1, text_offset, image_size, flags (bit 0: big-endian), then arm64's
  // magic at 0x38, or riscv's version, "RISCV\0\0\0" at 0x30 and magic2 at 0x38.
  Img.Out.assign(0x40, '\0');
  llvm::support::endian::write64le(&Img.Out[0x18], O.BigEndian ? 1 : 0);
  if (O.Arch == Header::Arm64) {
    Img.Out.replace(0x38, 4, "ARM\x64");
  } else {
    llvm::support::endian::write64le(&Img.Out[0x08], O.RiscvTextOffset);
    llvm::support::endian::write32le(&Img.Out[0x20], 0x2); // header version 0.2
    Img.Out.replace(0x30, 5, "RISCV");
    Img.Out.replace(0x38, 4, "RSC\x05");
  }
  // "Code": words that are no PREL32 offsets to strings, then the banner.
  while (Img.Out.size() < 0x800)
    Img.append32(0xd503201f);
  Img.Out += std::string("Linux version 6.12.0-flat (builder@host) #1 SMP\n", 49);
  Img.Out += std::string("6.12.0-flat SMP mod_unload modversions aarch64 ", 47) + '\0';
  Img.Out.resize((Img.Out.size() + 15) & ~size_t(15), '\0');
  std::vector<FlatSym> Syms = tableOrder(flatSyms(), O.Kflagstab);
  if (O.Unsorted)
    std::swap(Syms[0], Syms[1]);
  if (TablesAt)
    *TablesAt = Img.Out.size();
  appendTables(Img, Syms, O);
  if (O.TwoCopies) {
    Img.Out.resize((Img.Out.size() + 3) & ~size_t(3), '\0');
    appendTables(Img, Syms, O);
  }
  Img.Out.append(256, '\0');
  return Img.Out;
}

SymbolDb mustRead(const std::string &Bytes) {
  auto Db = readKernelImageBytes("Image", Bytes);
  if (!Db) {
    ADD_FAILURE() << llvm::toString(Db.takeError());
    return SymbolDb();
  }
  return std::move(*Db);
}

std::string errorOf(const std::string &Bytes) {
  auto Db = readKernelImageBytes("Image", Bytes);
  if (Db) {
    ADD_FAILURE() << "accepted";
    return {};
  }
  return llvm::toString(Db.takeError());
}

void expectFlatExports(const SymbolDb &Db, bool Crcs) {
  ASSERT_EQ(Db.size(), flatSyms().size());
  for (const FlatSym &S : flatSyms()) {
    SCOPED_TRACE(S.Name);
    const Export *E = Db.find(S.Name);
    ASSERT_NE(E, nullptr);
    EXPECT_EQ(E->HasCrc, Crcs);
    EXPECT_EQ(E->Crc, Crcs ? S.Crc : 0u);
    EXPECT_EQ(E->GplOnly, S.Gpl);
    EXPECT_EQ(E->Namespace, S.Ns);
    EXPECT_EQ(E->Exporter, "vmlinux");
  }
}

TEST(FlatImage, BothByteOrdersAndLayouts) {
  for (bool BE : {false, true})
    for (bool Flags : {false, true})
      for (bool Crcs : {true, false}) {
        SCOPED_TRACE(std::string(BE ? "big" : "little") + (Flags ? " kflagstab" : " split") +
                     (Crcs ? " crcs" : " no crcs"));
        FlatOptions O;
        O.BigEndian = BE;
        O.Kflagstab = Flags;
        O.Crcs = Crcs;
        SymbolDb Db = mustRead(flatImage(O));
        expectFlatExports(Db, Crcs);
        EXPECT_EQ(Db.kernel().HasKflagstab, Flags);
        ASSERT_TRUE(Db.kernel().Target.has_value());
        EXPECT_EQ(Db.kernel().Target->Machine, llvm::ELF::EM_AARCH64);
        EXPECT_TRUE(Db.kernel().Target->Is64);
        EXPECT_EQ(Db.kernel().Target->IsLittleEndian, !BE);
        EXPECT_EQ(Db.kernel().Release, "6.12.0-flat");
      }
}

// riscv's header (Documentation/arch/riscv/boot-image-header.rst) names no word size: the
// load offset does (2 MiB for RV64, 4 MiB for RV32); an M-mode image (offset 0) is not read.
TEST(FlatImage, RiscvHeader) {
  for (bool Is64 : {true, false}) {
    SCOPED_TRACE(Is64 ? "RV64" : "RV32");
    FlatOptions O;
    O.Arch = Header::Riscv;
    O.RiscvTextOffset = Is64 ? 0x200000 : 0x400000;
    SymbolDb Db = mustRead(flatImage(O));
    expectFlatExports(Db, true);
    ASSERT_TRUE(Db.kernel().Target.has_value());
    EXPECT_EQ(Db.kernel().Target->Machine, llvm::ELF::EM_RISCV);
    EXPECT_EQ(Db.kernel().Target->Is64, Is64);
    EXPECT_TRUE(Db.kernel().Target->IsLittleEndian);
    EXPECT_EQ(Db.kernel().Release, "6.12.0-flat");
  }
  FlatOptions MMode;
  MMode.Arch = Header::Riscv;
  MMode.RiscvTextOffset = 0;
  std::string Msg = errorOf(flatImage(MMode));
  EXPECT_NE(Msg.find("Image: not a kernel image"), std::string::npos) << Msg;
}

// riscv kernels lack HAVE_ARCH_PREL32_RELOCATIONS: __ksymtab holds absolute pointers, found
// through the link address the names' pointers vote for (Debian 13's riscv64 Image).
TEST(FlatImage, AbsoluteEntries) {
  for (bool Flags : {false, true})
    for (bool Ptr32 : {false, true}) {
      SCOPED_TRACE(std::string(Flags ? "kflagstab" : "split") + (Ptr32 ? " RV32" : " RV64"));
      FlatOptions O;
      O.Arch = Header::Riscv;
      O.Absolute = true;
      O.Kflagstab = Flags;
      O.Ptr32 = Ptr32;
      O.RiscvTextOffset = Ptr32 ? 0x400000 : 0x200000;
      O.LinkBase = Ptr32 ? 0xc0000000 : 0xffffffff80000000;
      SymbolDb Db = mustRead(flatImage(O));
      expectFlatExports(Db, true);
      EXPECT_EQ(Db.kernel().HasKflagstab, Flags);
      ASSERT_TRUE(Db.kernel().Target.has_value());
      EXPECT_EQ(Db.kernel().Target->Is64, !Ptr32);
      EXPECT_TRUE(Db.kernel().Target->FlagsUnknown);
    }
}

// The link address only says where to look: absolute entries that break the layout (a CRC
// missing) are refused, and the message gives the reason of both forms.
TEST(FlatImage, AbsoluteEntriesNearMissRefused) {
  FlatOptions O;
  O.Arch = Header::Riscv;
  O.Absolute = true;
  O.CrcShort = true;
  std::string Msg = errorOf(flatImage(O));
  EXPECT_NE(Msg.find("no export table found (PREL32 entries)"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("nor (absolute entries (link address 0xFFFFFFFF80000000))"), std::string::npos)
      << Msg;
  EXPECT_NE(Msg.find("bytes before its strings"), std::string::npos) << Msg;
}

TEST(FlatImage, RiscvCompressedAsOneStream) {
  FlatOptions O;
  O.Arch = Header::Riscv;
  auto Gz = compress("Image", flatImage(O), Compression::Gzip);
  ASSERT_TRUE(bool(Gz));
  SymbolDb Db = mustRead(*Gz);
  expectFlatExports(Db, true);
  ASSERT_TRUE(Db.kernel().Target.has_value());
  EXPECT_EQ(Db.kernel().Target->Machine, llvm::ELF::EM_RISCV);
}

TEST(FlatImage, CompressedAsOneStream) {
  auto Gz = compress("Image", flatImage({}), Compression::Gzip);
  ASSERT_TRUE(bool(Gz));
  expectFlatExports(mustRead(*Gz), true);
}

// The byte order is the header's: read the other way round, no table fits.
TEST(FlatImage, WrongByteOrderFindsNothing) {
  FlatOptions O;
  O.BigEndian = true;
  std::string Img = flatImage(O);
  Img[0x18] = 0;
  std::string Msg = errorOf(Img);
  EXPECT_NE(Msg.find("Image: flat kernel image: no export table found"), std::string::npos) << Msg;
}

TEST(FlatImage, NearMissesAreRefused) {
  auto With = [](auto Set) {
    FlatOptions O;
    Set(O);
    return O;
  };
  struct Case {
    const char *What;
    FlatOptions O;
    const char *Says;
  } Cases[] = {
      {"a CRC short", With([](FlatOptions &O) { O.CrcShort = true; }),
       "bytes before its strings, where __kcrctab"},
      {"junk before the strings", With([](FlatOptions &O) { O.Junk = std::string(4, '\0'); }),
       "bytes before its strings"},
      {"an unsorted table", With([](FlatOptions &O) { O.Unsorted = true; }), "has 3 sorted parts"},
      {"an unknown flag bit", With([](FlatOptions &O) { O.Kflagstab = O.BadFlag = true; }),
       "flag byte 0x80"},
      {"the tables twice", With([](FlatOptions &O) { O.TwoCopies = true; }),
       "2 places fit the export tables' layout"},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.What);
    std::string Msg = errorOf(flatImage(C.O));
    EXPECT_NE(Msg.find(C.Says), std::string::npos) << Msg;
  }
}

// 6.x without flags: __ksymtab and __ksymtab_gpl are told apart by where the name order starts
// again. Tables whose concatenation happens to be sorted cannot be split: an error.
TEST(FlatImage, SplitThatCannotBeSeenIsRefused) {
  FlatOptions O;
  ImageBuilder Img(false);
  Img.Out = flatImage(O).substr(0, 0x880);
  std::vector<FlatSym> Syms = {{"aa", 1, false, ""}, {"bb", 2, true, ""}, {"cc", 3, true, ""}};
  appendTables(Img, Syms, O);
  Img.Out.append(64, '\0');
  std::string Msg = errorOf(Img.Out);
  EXPECT_NE(Msg.find("has 1 sorted parts where its layout (without __kflagstab) has 2"),
            std::string::npos)
      << Msg;
}

// A name that is no identifier (here: the offset points into the CRCs) ends the run there.
TEST(FlatImage, NameOutsideTheStringsIsRefused) {
  size_t Tab = 0;
  std::string Img = flatImage({}, &Tab);
  // Point the last entry's name at the "Linux version" banner: a string, not an identifier.
  size_t Last = Tab + 12 * (flatSyms().size() - 1);
  size_t Banner = Img.find("Linux version");
  llvm::support::endian::write32le(&Img[Last + 4], uint32_t(Banner - (Last + 4)));
  EXPECT_NE(errorOf(Img).find("no export table found"), std::string::npos);
}

// An image of an unknown form whose scan finds a compressed stream of something else: the
// message must not call that stream the kernel's payload.
TEST(FlatImage, UnknownImageWithStrayStream) {
  auto Zst = compress("x", std::string(5000, 'q'), Compression::Zstd);
  ASSERT_TRUE(bool(Zst));
  std::string Img = std::string(4096, '\x11') + *Zst + std::string(4096, '\x22');
  std::string Msg = errorOf(Img);
  EXPECT_EQ(Msg.find("zstd payload"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("not a kernel image: neither ELF, nor a flat image"), std::string::npos)
      << Msg;
  EXPECT_NE(Msg.find("1 compressed streams found by scanning"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("Module.symvers"), std::string::npos) << Msg;
}

} // namespace
