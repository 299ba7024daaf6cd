#include "Elf/ElfWriter.h"

#include "Elf/ElfFile.h"
#include "Fixture.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/ELFObjectFile.h"

#include <chrono>
#include <gtest/gtest.h>

using namespace modver;
using namespace llvm::ELF;

namespace {

ElfTarget x86_64() {
  ElfTarget T;
  T.Machine = EM_X86_64;
  return T;
}

ElfTarget i386() {
  ElfTarget T;
  T.Is64 = false;
  T.Machine = EM_386;
  return T;
}

ElfTarget ppc64() {
  ElfTarget T;
  T.IsLittleEndian = false;
  T.Machine = EM_PPC64;
  // e_flags 0: unspecified ABI, what big-endian (ELFv1) objects carry; ld.lld 14 refuses an
  // explicit 1.
  return T;
}

std::vector<ElfSection> sampleSections() {
  std::vector<ElfSection> S(3);
  S[0].Name = "__versions";
  S[0].Flags = SHF_ALLOC;
  S[0].Alignment = 8;
  S[0].Bytes = std::string(64, 'v');
  S[1].Name = ".modver.db";
  S[1].Bytes = "meta";
  S[2].Name = "__version_ext_crcs";
  S[2].Flags = SHF_ALLOC;
  S[2].Alignment = 4;
  S[2].Bytes = "\1\2\3\4";
  return S;
}

struct SectionInfo {
  std::string Name;
  uint32_t Type;
  uint64_t Flags, Align, Offset;
  std::string Bytes;
};

// Read every section back with LLVM's Object library.
std::vector<SectionInfo> readBack(llvm::StringRef Bytes, ElfTarget &Target) {
  std::vector<SectionInfo> Out;
  auto T = readElfTarget("obj", Bytes);
  EXPECT_TRUE(bool(T)) << llvm::toString(T.takeError());
  if (T)
    Target = *T;
  llvm::Error E = withElfFile("obj", Bytes, [&](const auto &Elf) -> llvm::Error {
    EXPECT_EQ(Elf.getHeader().e_type, ET_REL);
    EXPECT_EQ(Elf.getHeader().e_entry, 0u);
    EXPECT_EQ(Elf.getHeader().e_shoff % (Target.Is64 ? 8 : 4), 0u);
    auto Sections = Elf.sections();
    if (!Sections)
      return Sections.takeError();
    for (const auto &Sec : *Sections) {
      auto Name = Elf.getSectionName(Sec);
      if (!Name)
        return Name.takeError();
      auto Data = Elf.getSectionContents(Sec);
      if (!Data)
        return Data.takeError();
      Out.push_back({Name->str(), uint32_t(Sec.sh_type), uint64_t(Sec.sh_flags),
                     uint64_t(Sec.sh_addralign), uint64_t(Sec.sh_offset),
                     llvm::toStringRef(*Data).str()});
    }
    return llvm::Error::success();
  });
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  return Out;
}

void checkReadBack(const ElfTarget &T, const ElfWriterOptions &O = {}) {
  auto Obj = writeElfObject(T, sampleSections(), O);
  ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
  ElfTarget Got;
  auto Secs = readBack(*Obj, Got);
  EXPECT_EQ(Got, T);
  ASSERT_GE(Secs.size(), 6u);
  EXPECT_EQ(Secs[1].Name, "__versions");
  EXPECT_EQ(Secs[1].Flags, uint64_t(SHF_ALLOC));
  EXPECT_EQ(Secs[1].Align, 8u);
  EXPECT_EQ(Secs[1].Offset % 8, 0u);
  EXPECT_EQ(Secs[1].Bytes, std::string(64, 'v'));
  EXPECT_EQ(Secs[2].Name, ".modver.db");
  EXPECT_EQ(Secs[2].Flags, 0u);
  EXPECT_EQ(Secs[2].Bytes, "meta");
  EXPECT_EQ(Secs[3].Bytes, "\1\2\3\4");
  EXPECT_EQ(Secs[3].Offset % 4, 0u);
  EXPECT_EQ(Secs[4].Name, ".note.GNU-stack");
  EXPECT_EQ(Secs[4].Bytes, "");
  EXPECT_EQ(Secs[5].Name, ".shstrtab");
  EXPECT_EQ(Secs[5].Type, uint32_t(SHT_STRTAB));
}

// Link Obj alone with `Linker -r` and return readelf -SW of the result.
std::string linkAndList(const test::TempDir &Dir, llvm::StringRef Obj,
                        std::vector<std::string> Linker) {
  std::string In = Dir.write("in.o", Obj);
  std::string Out = Dir.file("out.o");
  Linker.insert(Linker.end(), {"-r", "-o", Out, In});
  test::CommandResult R = test::run(Linker);
  EXPECT_EQ(R.ExitCode, 0) << Linker[0] << ": " << R.Stderr;
  if (R.ExitCode != 0)
    return {};
  EXPECT_EQ(R.Stderr, "") << Linker[0] << " warned";
  test::CommandResult S = test::run({"readelf", "-SW", Out});
  EXPECT_EQ(S.ExitCode, 0) << S.Stderr;
  return S.Stdout;
}

// readelf -SW line of Name contains Flags as the flags column and Align as the alignment.
void expectListed(llvm::StringRef Listing, llvm::StringRef Name, llvm::StringRef Flags,
                  llvm::StringRef Align) {
  for (llvm::StringRef Line : llvm::split(Listing, '\n')) {
    llvm::SmallVector<llvm::StringRef, 16> Cols;
    Line.split(Cols, ' ', -1, /*KeepEmpty=*/false);
    auto It = llvm::find(Cols, Name);
    if (It == Cols.end())
      continue;
    // Name Type Address Off Size ES [Flg] Lk Inf Al: 10 columns with flags, 9 without.
    size_t After = size_t(Cols.end() - It);
    EXPECT_EQ(Cols.back(), Align) << Line.str();
    if (Flags.empty())
      EXPECT_EQ(After, 9u) << Line.str();
    else
      EXPECT_EQ(It[6], Flags) << Line.str();
    return;
  }
  ADD_FAILURE() << Name.str() << " missing from:\n" << Listing.str();
}

void checkLinks(const ElfTarget &T, std::vector<std::string> Linker, llvm::StringRef Align) {
  for (bool Symbols : {false, true}) {
    SCOPED_TRACE(Symbols ? "with section symbols" : "without symbol table");
    auto Obj = writeElfObject(T, sampleSections(), {Symbols});
    ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
    test::TempDir Dir;
    std::string Listing = linkAndList(Dir, *Obj, Linker);
    expectListed(Listing, "__versions", "A", Align);
    expectListed(Listing, "__version_ext_crcs", "A", "4");
    expectListed(Listing, ".modver.db", "", "1");
  }
}

} // namespace

TEST(ElfWriter, ReadsBackWithLlvmObject64LE) { checkReadBack(x86_64()); }
TEST(ElfWriter, ReadsBackWithLlvmObject32LE) { checkReadBack(i386()); }
TEST(ElfWriter, ReadsBackWithLlvmObject64BE) { checkReadBack(ppc64()); }
TEST(ElfWriter, ReadsBackWithSectionSymbols) { checkReadBack(x86_64(), {true}); }

TEST(ElfWriter, KeepsOsAbiAndAbiVersion) {
  ElfTarget T = x86_64();
  T.OSABI = ELFOSABI_GNU;
  T.ABIVersion = 3;
  T.Flags = 0x12;
  auto Obj = writeElfObject(T, {});
  ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
  auto Got = readElfTarget("obj", *Obj);
  ASSERT_TRUE(bool(Got));
  EXPECT_EQ(*Got, T);
}

TEST(ElfWriter, CallerStackNoteIsNotDoubled) {
  std::vector<ElfSection> S(1);
  S[0].Name = ".note.GNU-stack";
  auto Obj = writeElfObject(x86_64(), S);
  ASSERT_TRUE(bool(Obj));
  ElfTarget Got;
  auto Secs = readBack(*Obj, Got);
  ASSERT_EQ(Secs.size(), 3u); // null, .note.GNU-stack, .shstrtab
}

TEST(ElfWriter, RefusesBadAlignment) {
  std::vector<ElfSection> S(1);
  S[0].Name = "x";
  S[0].Alignment = 3;
  auto Obj = writeElfObject(x86_64(), S);
  ASSERT_FALSE(bool(Obj));
  EXPECT_EQ(llvm::toString(Obj.takeError()), "section x: alignment 3 is not a power of two");
}

TEST(ElfWriter, Deterministic) {
  auto A = writeElfObject(ppc64(), sampleSections(), {true});
  auto B = writeElfObject(ppc64(), sampleSections(), {true});
  ASSERT_TRUE(A && B);
  EXPECT_EQ(*A, *B);
}

TEST(ElfWriter, GnuLdLinksIt64) { checkLinks(x86_64(), {"ld.bfd"}, "8"); }
TEST(ElfWriter, LldLinksIt64) { checkLinks(x86_64(), {"ld.lld"}, "8"); }
TEST(ElfWriter, GnuLdLinksIt32) { checkLinks(i386(), {"ld.bfd", "-m", "elf_i386"}, "8"); }
TEST(ElfWriter, LldLinksIt32) { checkLinks(i386(), {"ld.lld", "-m", "elf_i386"}, "8"); }
TEST(ElfWriter, LldLinksItPpc64BigEndian) {
  checkLinks(ppc64(), {"ld.lld", "-m", "elf64ppc"}, "8");
}

TEST(ElfWriter, SmallObjectIsFast) {
  std::vector<ElfSection> S = sampleSections();
  auto Start = std::chrono::steady_clock::now();
  constexpr int Rounds = 1000;
  for (int I = 0; I < Rounds; ++I) {
    auto Obj = writeElfObject(x86_64(), S);
    ASSERT_TRUE(bool(Obj));
  }
  double Us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - Start).count() /
      Rounds;
  RecordProperty("MicrosecondsPerObject", std::to_string(Us));
  EXPECT_LT(Us, 1000.0);
}
