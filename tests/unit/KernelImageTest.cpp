// KernelImage: small executables that carry 6.1-style export tables, assembled and linked at
// test time for each ELF flavour the machine can build, then wrapped the ways kernels are
// shipped (bzImage, raw compressed, embedded in a larger image).
#include "Kernel/KernelImage.h"

#include "Compression/Decompress.h"
#include "Fixture.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace modver;
using namespace modver::test;

namespace {

struct Sym {
  std::string Name;
  uint32_t Crc;
  bool Gpl;
  std::string Ns;    // namespace; "" = empty string
  bool NoNs = false; // namespace field 0 (5.4 style) instead of an empty string
};

// Each table sorted by name, as the kernel's linker script makes it.
const std::vector<Sym> &defaultSyms() {
  static const std::vector<Sym> Syms = {
      {"alpha", 0x11111111, false, ""},
      {"beta_ns", 0xdeadbeef, false, "BETA_NS"},
      {"delta_old", 0x7f000001, false, "", /*NoNs=*/true},
      {"gamma", 0x00000000, true, ""},
      {"zeta_gpl_ns", 0xcafef00d, true, "USB_STORAGE"},
  };
  return Syms;
}

enum class CrcMode { Kcrctab, AbsSymbols, LabelSymbols, None };

struct Options {
  bool Prel32 = true;
  bool Is64 = true;
  CrcMode Crc = CrcMode::Kcrctab;
  bool Banner = true;
  std::string Release = "6.1.0-test";
  std::string Ikconfig; // when set, embedded gzip-compressed between IKCFG_ST/IKCFG_ED
  // Extra entries appended to __ksymtab verbatim (for broken tables), and extra sections.
  std::string ExtraKsymtab;
  std::string ExtraAsm;
  bool KcrctabShort = false; // one CRC missing from __kcrctab
  bool MergeStrings = true;  // __ksymtab_strings as "aMS" (the kernel's) or plain "a"
  // 7.1+: one __ksymtab (and __kcrctab) for all exports, GPL-ness in __kflagstab; FlagsShort
  // leaves the last flag byte out.
  bool Kflagstab = false;
  bool FlagsShort = false;
};

std::string hex(uint32_t V) {
  std::ostringstream S;
  S << "0x" << std::hex << V;
  return S.str();
}

std::string bytesAsm(llvm::StringRef Bytes) {
  std::string Out;
  for (size_t I = 0; I < Bytes.size(); ++I) {
    Out += (I % 16 == 0) ? "\n  .byte " : ", ";
    Out += std::to_string(unsigned(uint8_t(Bytes[I])));
  }
  return Out + "\n";
}

// Assembly mimicking what 6.1's EXPORT_SYMBOL and SYMBOL_CRC macros leave in vmlinux.
std::string fixtureAsm(const std::vector<Sym> &Syms, const Options &O) {
  std::string Word = O.Is64 ? ".quad" : ".long";
  std::string A = "  .data\n  .globl _start\n_start:\n";
  for (const Sym &S : Syms)
    A += "  .globl " + S.Name + "\n" + S.Name + ":\n  .long 42\n";

  A += O.MergeStrings ? "  .section __ksymtab_strings,\"aMS\",@progbits,1\n"
                      : "  .section __ksymtab_strings,\"a\"\n";
  for (const Sym &S : Syms)
    A += "__kstrtab_" + S.Name + ":\n  .asciz \"" + S.Name + "\"\n__kstrtabns_" + S.Name +
         ":\n  .asciz \"" + S.Ns + "\"\n";

  for (bool Gpl : {false, true}) {
    if (O.Kflagstab && Gpl)
      break;
    auto InTable = [&](const Sym &S) { return O.Kflagstab || S.Gpl == Gpl; };
    std::string Sec = Gpl ? "_gpl" : "";
    A += "  .section __ksymtab" + Sec + ",\"a\"\n  .balign " + (O.Prel32 || !O.Is64 ? "4" : "8") +
         "\n";
    for (const Sym &S : Syms) {
      if (!InTable(S))
        continue;
      std::string Ns = S.NoNs ? "0" : "__kstrtabns_" + S.Name;
      if (O.Prel32)
        A += "  .long " + S.Name + " - .\n  .long __kstrtab_" + S.Name + " - .\n  .long " +
             (S.NoNs ? "0" : Ns + " - .") + "\n";
      else
        A += "  " + Word + " " + S.Name + "\n  " + Word + " __kstrtab_" + S.Name + "\n  " + Word +
             " " + Ns + "\n";
    }
    if (!Gpl)
      A += O.ExtraKsymtab;

    if (O.Crc == CrcMode::Kcrctab) {
      A += "  .section __kcrctab" + Sec + ",\"a\"\n  .balign 4\n";
      bool Skipped = false;
      for (const Sym &S : Syms) {
        if (!InTable(S))
          continue;
        if (O.KcrctabShort && !Gpl && !Skipped) {
          Skipped = true;
          continue;
        }
        A += "  .long " + hex(S.Crc) + "\n";
      }
    }
  }
  if (O.Kflagstab) {
    A += "  .section __kflagstab,\"a\"\n";
    for (size_t I = 0; I + (O.FlagsShort ? 1 : 0) < Syms.size(); ++I)
      A += std::string("  .byte ") + (Syms[I].Gpl ? "1" : "0") + "\n";
  }
  if (O.Crc == CrcMode::AbsSymbols) // <= 5.18: genksyms' linker script made them absolute
    for (const Sym &S : Syms)
      A += "  .globl __crc_" + S.Name + "\n  .set __crc_" + S.Name + ", " + hex(S.Crc) + "\n";
  if (O.Crc == CrcMode::LabelSymbols) { // 6.1: a label on the CRC word (here not in __kcrctab)
    A += "  .section .rodata.crcs,\"a\"\n  .balign 4\n";
    for (const Sym &S : Syms)
      A += "__crc_" + S.Name + ":\n  .long " + hex(S.Crc) + "\n";
  }

  A += "  .section .rodata,\"a\"\n";
  // Decoys first: the /proc format string and a release-prefixed string without the tokens.
  A += "  .asciz \"%s version %s (%s@%s) (%s) %s\\n\"\n";
  A += "  .asciz \"" + O.Release + " is not a vermagic\"\n";
  if (O.Banner)
    A += "  .asciz \"Linux version " + O.Release +
         " (builder@host) (gcc (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC\\n\"\n";
  A += "  .asciz \"" + O.Release + " SMP preempt mod_unload modversions \"\n";
  if (!O.Ikconfig.empty()) {
    auto Gz = compress("ikconfig", O.Ikconfig, Compression::Gzip);
    EXPECT_TRUE(bool(Gz));
    A += "  .ascii \"IKCFG_ST\"\n" + bytesAsm(Gz ? *Gz : "") + "  .ascii \"IKCFG_ED\"\n";
  }
  return A + O.ExtraAsm;
}

bool haveProgram(llvm::StringRef Name) { return bool(llvm::sys::findProgramByName(Name)); }

// Assemble and link with the host compiler (extra flags such as -m32).
std::string linkHost(const TempDir &Dir, llvm::StringRef Name, const std::string &Asm,
                     const std::vector<std::string> &Flags = {}) {
  std::string Obj = compile(Dir, (Name + ".s").str(), Asm, Flags);
  std::string Exe = Dir.file(Name.str());
  std::vector<std::string> Argv = {"cc", "-nostdlib", "-static", "-no-pie", "-o", Exe};
  Argv.insert(Argv.end(), Flags.begin(), Flags.end());
  Argv.push_back(Obj);
  CommandResult R = run(Argv);
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  return Exe;
}

const std::vector<std::string> PpcFlags = {"--target=powerpc64-linux-gnu"};

bool canBuildPpc64() {
  return haveProgram("clang") && haveProgram("ld.lld") && canCompile(PpcFlags, "clang");
}

// Big-endian: clang's integrated assembler and ld.lld.
std::string linkPpc64(const TempDir &Dir, llvm::StringRef Name, const std::string &Asm) {
  std::string Obj = compile(Dir, (Name + ".s").str(), Asm, PpcFlags, "clang");
  std::string Exe = Dir.file(Name.str());
  CommandResult R = run({"ld.lld", "-o", Exe, Obj});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  return Exe;
}

SymbolDb mustRead(const std::string &Path) {
  auto Db = readKernelImage(Path);
  if (!Db) {
    ADD_FAILURE() << llvm::toString(Db.takeError());
    return SymbolDb();
  }
  return std::move(*Db);
}

std::string errorOf(const std::string &Path) {
  auto Db = readKernelImage(Path);
  if (Db) {
    ADD_FAILURE() << Path << " was accepted";
    return {};
  }
  return llvm::toString(Db.takeError());
}

// Everything the default fixture says, checked against what was read.
void expectDefaultExports(const SymbolDb &Db, const std::string &Path, bool HaveCrcs = true) {
  ASSERT_EQ(Db.size(), defaultSyms().size());
  for (const Sym &S : defaultSyms()) {
    SCOPED_TRACE(S.Name);
    const Export *E = Db.find(S.Name);
    ASSERT_NE(E, nullptr);
    EXPECT_EQ(E->HasCrc, HaveCrcs);
    if (HaveCrcs) {
      EXPECT_EQ(E->Crc, S.Crc);
    }
    EXPECT_EQ(E->GplOnly, S.Gpl);
    EXPECT_EQ(E->Namespace, S.Ns);
    EXPECT_EQ(E->Exporter, "vmlinux");
    EXPECT_EQ(E->Source, Path);
  }
}

void expectKernel(const SymbolDb &Db, uint16_t Machine, bool Is64, bool LE) {
  const KernelInfo &K = Db.kernel();
  EXPECT_EQ(K.Release, "6.1.0-test");
  EXPECT_EQ(K.Vermagic, "6.1.0-test SMP preempt mod_unload modversions ");
  ASSERT_TRUE(K.Target.has_value());
  EXPECT_EQ(K.Target->Machine, Machine);
  EXPECT_EQ(K.Target->Is64, Is64);
  EXPECT_EQ(K.Target->IsLittleEndian, LE);
  EXPECT_FALSE(K.ForceLoad.has_value());
}

uint16_t hostMachine(const std::string &Exe) {
  std::string B = readWhole(Exe);
  return B.size() > 20 ? llvm::support::endian::read16le(B.data() + 18) : 0;
}

// An x86 bzImage around Payload: setup header fields as the boot protocol defines them.
std::string fakeBzImage(llvm::StringRef Payload, llvm::StringRef KernelVersion,
                        bool WithPayloadFields = true) {
  const unsigned SetupSects = 3;
  std::string Img(size_t(SetupSects + 1) * 512, '\0');
  Img[0x1f1] = char(SetupSects);
  Img.replace(0x202, 4, "HdrS");
  auto Put16 = [&](size_t Off, uint16_t V) { llvm::support::endian::write16le(&Img[Off], V); };
  auto Put32 = [&](size_t Off, uint32_t V) { llvm::support::endian::write32le(&Img[Off], V); };
  Put16(0x206, WithPayloadFields ? 0x020f : 0x0207);
  Img.replace(0x600, KernelVersion.size(), KernelVersion.str());
  Put16(0x20e, 0x600 - 0x200);
  // Protected-mode code: a decompressor stub (here junk) and then the payload.
  std::string Stub(0x180, '\x90');
  Stub.replace(0x20, 3, "\x1f\x8b\x08"); // a false gzip magic before the real one
  if (WithPayloadFields) {
    Put32(0x248, uint32_t(Stub.size()));
    Put32(0x24c, uint32_t(Payload.size() + 4));
  }
  Img += Stub;
  Img += Payload.str();
  Img += "\x10\x20\x30\x00"; // the appended decompressed size
  Img += std::string(100, '\0');
  return Img;
}

} // namespace

TEST(KernelImage, HostPrel32) {
  TempDir Dir;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), {}));
  SymbolDb Db = mustRead(Exe);
  expectDefaultExports(Db, Exe);
  expectKernel(Db, hostMachine(Exe), true, true);
  // Table order: __ksymtab first, then __ksymtab_gpl.
  ASSERT_EQ(Db.exports().size(), 5u);
  EXPECT_EQ(Db.exports()[0].Name, "alpha");
  EXPECT_EQ(Db.exports()[3].Name, "gamma");
}

// Linux 7.1+: GPL-ness comes from __kflagstab, not from a table of its own.
TEST(KernelImage, KflagstabGivesGplOnly) {
  TempDir Dir;
  Options O;
  O.Kflagstab = true;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
  SymbolDb Db = mustRead(Exe);
  expectDefaultExports(Db, Exe);
  ASSERT_EQ(Db.exports().size(), 5u);
  EXPECT_EQ(Db.exports()[4].Name, "zeta_gpl_ns"); // one table, in name order

  O.FlagsShort = true;
  std::string Short = linkHost(Dir, "vmlinux-short", fixtureAsm(defaultSyms(), O));
  EXPECT_EQ(errorOf(Short),
            Short + ": __kflagstab has 4 bytes for 5 exports (need one per __ksymtab entry)");
}

TEST(KernelImage, HostAbsolutePointers) {
  TempDir Dir;
  Options O;
  O.Prel32 = false;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
  SymbolDb Db = mustRead(Exe);
  expectDefaultExports(Db, Exe);
  expectKernel(Db, hostMachine(Exe), true, true);
}

TEST(KernelImage, Host32Bit) {
  if (!canCompile({"-m32"}))
    GTEST_SKIP() << "cc cannot build -m32 here";
  for (bool Prel32 : {true, false}) {
    SCOPED_TRACE(Prel32 ? "prel32" : "absolute");
    TempDir Dir;
    Options O;
    O.Prel32 = Prel32;
    O.Is64 = false;
    std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O), {"-m32"});
    SymbolDb Db = mustRead(Exe);
    expectDefaultExports(Db, Exe);
    expectKernel(Db, llvm::ELF::EM_386, false, true);
  }
}

TEST(KernelImage, BigEndianPpc64) {
  if (!canBuildPpc64())
    GTEST_SKIP() << "clang/ld.lld for powerpc64-linux-gnu are not available";
  for (bool Prel32 : {true, false}) {
    SCOPED_TRACE(Prel32 ? "prel32" : "absolute");
    TempDir Dir;
    Options O;
    O.Prel32 = Prel32;
    std::string Exe = linkPpc64(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
    SymbolDb Db = mustRead(Exe);
    expectDefaultExports(Db, Exe);
    expectKernel(Db, llvm::ELF::EM_PPC64, true, false);
  }
}

TEST(KernelImage, CrcFromAbsoluteSymbols) {
  TempDir Dir;
  Options O;
  O.Crc = CrcMode::AbsSymbols;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
  expectDefaultExports(mustRead(Exe), Exe);
}

TEST(KernelImage, CrcFromLabelSymbols) {
  TempDir Dir;
  Options O;
  O.Crc = CrcMode::LabelSymbols;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
  expectDefaultExports(mustRead(Exe), Exe);
  if (canBuildPpc64()) {
    std::string Be = linkPpc64(Dir, "vmlinux-be", fixtureAsm(defaultSyms(), O));
    expectDefaultExports(mustRead(Be), Be);
  }
}

TEST(KernelImage, NoCrcsAtAll) {
  TempDir Dir;
  Options O;
  O.Crc = CrcMode::None;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
  expectDefaultExports(mustRead(Exe), Exe, /*HaveCrcs=*/false);
  // Stripped: no .symtab either, still no CRCs and no error.
  std::string Stripped = Dir.file("vmlinux.stripped");
  if (run({"strip", "-o", Stripped, Exe}).ExitCode == 0)
    expectDefaultExports(mustRead(Stripped), Stripped, false);
}

TEST(KernelImage, StrippedKeepsKcrctab) {
  TempDir Dir;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), {}));
  std::string Stripped = Dir.file("vmlinux.stripped");
  CommandResult R = run({"strip", "-o", Stripped, Exe});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  expectDefaultExports(mustRead(Stripped), Stripped);
}

TEST(KernelImage, IkconfigForceLoad) {
  TempDir Dir;
  Options O;
  O.Ikconfig = "CONFIG_MODULES=y\nCONFIG_MODULE_FORCE_LOAD=y\nCONFIG_MODVERSIONS=y\n";
  std::string Yes = linkHost(Dir, "yes", fixtureAsm(defaultSyms(), O));
  auto Db = mustRead(Yes);
  ASSERT_TRUE(Db.kernel().ForceLoad.has_value());
  EXPECT_TRUE(*Db.kernel().ForceLoad);

  O.Ikconfig = "CONFIG_MODULES=y\n# CONFIG_MODULE_FORCE_LOAD is not set\n";
  std::string No = linkHost(Dir, "no", fixtureAsm(defaultSyms(), O));
  auto Db2 = mustRead(No);
  ASSERT_TRUE(Db2.kernel().ForceLoad.has_value());
  EXPECT_FALSE(*Db2.kernel().ForceLoad);
}

// The embedded config is read like a .config: both loader options, not only FORCE_LOAD.
TEST(KernelImage, IkconfigAllowMissingNamespaceImports) {
  TempDir Dir;
  Options O;
  O.Ikconfig = "CONFIG_MODULES=y\n# CONFIG_MODULE_FORCE_LOAD is not set\n"
               "CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS=y\n";
  auto Db = mustRead(linkHost(Dir, "yes", fixtureAsm(defaultSyms(), O)));
  EXPECT_EQ(Db.kernel().AllowMissingNamespaceImports, true);
  EXPECT_EQ(Db.kernel().ForceLoad, false);

  // Left out of a kernel's own (complete) config: "n", as Kconfig means it.
  O.Ikconfig = "CONFIG_MODULES=y\nCONFIG_MODULE_FORCE_LOAD=y\n";
  auto Db2 = mustRead(linkHost(Dir, "no", fixtureAsm(defaultSyms(), O)));
  EXPECT_EQ(Db2.kernel().AllowMissingNamespaceImports, false);
  EXPECT_EQ(Db2.kernel().ForceLoad, true);
}

TEST(KernelImage, FakeBzImage) {
  TempDir Dir;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), {}));
  auto Gz = compress("vmlinux.gz", readWhole(Exe), Compression::Gzip);
  ASSERT_TRUE(bool(Gz));
  std::string Bz = Dir.write("vmlinuz", fakeBzImage(*Gz, "6.1.0-test (builder@host) #1 SMP"));
  SymbolDb Db = mustRead(Bz);
  expectDefaultExports(Db, Bz);
  expectKernel(Db, hostMachine(Exe), true, true);

  // Without payload fields (boot protocol < 2.08) the payload is found by searching.
  std::string Old = Dir.write("vmlinuz-old", fakeBzImage(*Gz, "6.1.0-test", false));
  expectDefaultExports(mustRead(Old), Old);
}

TEST(KernelImage, BzImageReleaseFromBootHeader) {
  TempDir Dir;
  Options O;
  O.Banner = false;
  O.Release = "6.1.0-boot";
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), O));
  EXPECT_EQ(mustRead(Exe).kernel().Release, "");
  auto Xz = compress("vmlinux.xz", readWhole(Exe), Compression::Xz);
  ASSERT_TRUE(bool(Xz));
  std::string Bz = Dir.write("vmlinuz", fakeBzImage(*Xz, "6.1.0-boot (builder@host) #1 SMP"));
  SymbolDb Db = mustRead(Bz);
  EXPECT_EQ(Db.kernel().Release, "6.1.0-boot");
  EXPECT_EQ(Db.kernel().Vermagic, "6.1.0-boot SMP preempt mod_unload modversions ");
}

TEST(KernelImage, RawCompressedImages) {
  TempDir Dir;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), {}));
  std::string Elf = readWhole(Exe);
  for (Compression C : {Compression::Xz, Compression::Zstd, Compression::Gzip}) {
    SCOPED_TRACE(compressionName(C).str());
    auto Packed = compress("x", Elf, C);
    ASSERT_TRUE(bool(Packed));
    std::string P = Dir.write("vmlinux." + compressionName(C).str(), *Packed);
    expectDefaultExports(mustRead(P), P);
  }
}

TEST(KernelImage, EmbeddedPayloadIsFoundByScanning) {
  TempDir Dir;
  std::string Exe = linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), {}));
  auto Zst = compress("x", readWhole(Exe), Compression::Zstd);
  ASSERT_TRUE(bool(Zst));
  // A decompressor stub with a false xz magic, then the payload.
  std::string Img = std::string(3000, '\x55') +
                    std::string("\xfd"
                                "7zXZ\0junk",
                                10) +
                    std::string(1000, '\x90') + *Zst + std::string(64, '\0');
  std::string P = Dir.write("Image.self-extracting", Img);
  expectDefaultExports(mustRead(P), P);
}

TEST(KernelImage, FlatPayloadSuggestsVmlinux) {
  TempDir Dir;
  auto Gz = compress("x", std::string(100000, '\x42'), Compression::Gzip);
  ASSERT_TRUE(bool(Gz));
  std::string P = Dir.write("Image.gz", *Gz);
  std::string Msg = errorOf(P);
  EXPECT_EQ(Msg.rfind(P + ": ", 0), 0u) << Msg;
  EXPECT_NE(Msg.find("not an ELF vmlinux"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("Module.symvers"), std::string::npos) << Msg;
  std::string Bz = Dir.write("vmlinuz", fakeBzImage(*Gz, "6.1.0"));
  EXPECT_NE(errorOf(Bz).find("Module.symvers"), std::string::npos);
}

TEST(KernelImage, NotKernelImages) {
  TempDir Dir;
  std::string Junk = Dir.write("junk", std::string(5000, 'j'));
  EXPECT_EQ(errorOf(Junk),
            Junk + ": not a kernel image: neither ELF nor a compressed vmlinux inside");
  std::string Empty = Dir.write("empty", "");
  EXPECT_EQ(errorOf(Empty), Empty + ": file is empty");
  EXPECT_NE(errorOf(Dir.file("missing")).find("missing: "), std::string::npos);

  // An executable without export tables.
  std::string Plain = linkHost(Dir, "plain", "  .data\n  .globl _start\n_start:\n  .long 1\n");
  EXPECT_EQ(errorOf(Plain), Plain + ": not a kernel image: no __ksymtab section");

  // A relocatable object (a module) is refused.
  std::string Obj = compile(Dir, "mod.s", fixtureAsm(defaultSyms(), {}));
  EXPECT_NE(errorOf(Obj).find("relocatable object"), std::string::npos);

  // Truncated ELF, raw and compressed.
  std::string Elf = readWhole(linkHost(Dir, "vmlinux", fixtureAsm(defaultSyms(), {})));
  for (size_t Keep : {size_t(10), size_t(40), size_t(200), Elf.size() / 2}) {
    std::string Cut = Dir.write("cut", Elf.substr(0, Keep));
    EXPECT_EQ(errorOf(Cut).rfind(Cut + ": ", 0), 0u) << Keep;
  }
  auto Xz = compress("x", Elf, Compression::Xz);
  ASSERT_TRUE(bool(Xz));
  std::string CutXz = Dir.write("cut.xz", Xz->substr(0, Xz->size() / 2));
  EXPECT_EQ(errorOf(CutXz), CutXz + ": truncated xz data");
}

TEST(KernelImage, BrokenTables) {
  TempDir Dir;
  struct Case {
    const char *Name;
    Options O;
    const char *Expect;
  };
  std::vector<Case> Cases;
  {
    Options O;
    O.ExtraKsymtab = "  .byte 1\n";
    Cases.push_back({"odd-size", O, "size of __ksymtab (37 bytes) is not a multiple"});
  }
  {
    Options O; // a name pointing into .data, outside __ksymtab_strings
    O.ExtraKsymtab = "  .long alpha - .\n  .long alpha - .\n  .long 0\n";
    Cases.push_back(
        {"outside", O, "entry 3 of __ksymtab: name does not point to a NUL-terminated string"});
  }
  {
    Options O; // the last string of a plain (non-merged) section without its NUL
    O.ExtraKsymtab = "  .long alpha - .\n  .long unterminated - .\n  .long 0\n";
    O.MergeStrings = false;
    O.ExtraAsm = "  .section __ksymtab_strings,\"a\"\nunterminated:\n  .ascii \"nonul\"\n";
    Cases.push_back({"no-nul", O, "entry 3 of __ksymtab: name does not point"});
  }
  {
    Options O; // a namespace pointing nowhere
    O.ExtraKsymtab = "  .long alpha - .\n  .long __kstrtab_alpha - .\n  .long alpha - .\n";
    Cases.push_back({"bad-ns", O, "entry 3 of __ksymtab (alpha): namespace does not point"});
  }
  {
    Options O;
    O.KcrctabShort = true;
    Cases.push_back({"short-crc", O, "__kcrctab has 8 bytes for 3 entries of __ksymtab"});
  }
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.Name);
    std::string Exe = linkHost(Dir, C.Name, fixtureAsm(defaultSyms(), C.O));
    std::string Msg = errorOf(Exe);
    EXPECT_EQ(Msg.rfind(Exe + ": ", 0), 0u) << Msg;
    EXPECT_NE(Msg.find(C.Expect), std::string::npos) << Msg;
  }
}
