// Relink: modver.lds under LLD in-process, GNU ld and ld.lld; failures, memory, determinism,
// timings. Objects are compiled at test time; a real Debian module is used when the kernel
// cache is there (skipped otherwise).
#include "Relink/Relink.h"
#include "Relink/LinkerOutput.h"

#include "Fixture.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unistd.h>

using namespace modver;
using namespace modver::test;
using namespace llvm::ELF;
using ELFT = llvm::object::ELF64LE;

namespace {

// ---------------------------------------------------------------------------------------------
// Fixture sources

// Shaped like a module's .o: code in .text and .init.text, data, bss, read-only data,
// mergeable strings, .modinfo strings, struct module in .gnu.linkonce.this_module, a strong
// and a weak undefined import.
const char *ModuleSource = R"(
extern int imported_fn(int);
extern int weak_import(void) __attribute__((weak));
extern void printk(const char *, ...);
int counter = 5;
static int zeroed[16];
const int table[4] = {1, 2, 3, 4};
int exported_fn(int x) {
  printk("exported_fn %d\n", x);
  zeroed[x & 15]++;
  return imported_fn(x) + counter + table[x & 3] + (weak_import ? weak_import() : 0);
}
__attribute__((section(".init.text"))) int init_module(void) {
  printk("init\n");
  return exported_fn(1);
}
static const char modinfo_license[] __attribute__((section(".modinfo"), used, aligned(1))) =
    "license=GPL";
static const char modinfo_vermagic[] __attribute__((section(".modinfo"), used, aligned(1))) =
    "vermagic=6.1.0-test SMP mod_unload modversions ";
struct module { char name[56]; int (*init)(void); };
struct module __this_module __attribute__((section(".gnu.linkonce.this_module"), used,
                                           aligned(64))) = {"testmod", init_module};
)";

// Tables under the kernel's names, as an already-versioned module has them.
const char *OldTablesSource = R"(
struct modversion_info { unsigned long crc; char name[56]; };
static const struct modversion_info ____versions[]
    __attribute__((section("__versions"), used, aligned(8))) = {
        {0x11111111, "old_fn"}, {0x22222222, "module_layout"}};
static const unsigned int ____version_ext_crcs[]
    __attribute__((section("__version_ext_crcs"), used, aligned(4))) = {0x11111111};
static const char ____version_ext_names[]
    __attribute__((section("__version_ext_names"), used, aligned(1))) = "old_fn";
)";

struct Record {
  uint32_t Crc;
  const char *Name;
};
const Record NewRecords[] = {
    {0x12345678, "imported_fn"}, {0x0badcafe, "printk"}, {0x9abcdef0, "module_layout"}};

// mkmod's versions object, stood in for by C: 64-byte records in .modver.versions, and with
// WithExt the extended tables.
std::string versionsSource(bool WithExt) {
  std::string S = "struct modversion_info { unsigned long crc; char name[56]; };\n"
                  "static const struct modversion_info ____versions[]\n"
                  "    __attribute__((section(\".modver.versions\"), used, aligned(8))) = {\n";
  for (const Record &R : NewRecords)
    S += "  {" + std::to_string(R.Crc) + "u, \"" + R.Name + "\"},\n";
  S += "};\n";
  if (WithExt) {
    S += "static const unsigned int ____version_ext_crcs[]\n"
         "    __attribute__((section(\".modver.version_ext_crcs\"), used, aligned(4))) = {";
    for (const Record &R : NewRecords)
      S += std::to_string(R.Crc) + "u, ";
    S += "};\nstatic const char ____version_ext_names[]\n"
         "    __attribute__((section(\".modver.version_ext_names\"), used, aligned(1))) = \"";
    for (const Record &R : NewRecords)
      S += std::string(R.Name) + "\\0";
    S.resize(S.size() - 2); // the array's own terminating NUL ends the last name
    S += "\";\n";
  }
  return S;
}

std::string expectedVersions() {
  std::string Bytes;
  for (const Record &R : NewRecords) {
    std::string Rec(64, '\0');
    for (int I = 0; I < 4; ++I)
      Rec[I] = char((R.Crc >> (8 * I)) & 0xff);
    std::copy(R.Name, R.Name + strlen(R.Name), Rec.begin() + 8);
    Bytes += Rec;
  }
  return Bytes;
}

std::string expectedExtCrcs() {
  std::string Bytes;
  for (const Record &R : NewRecords)
    for (int I = 0; I < 4; ++I)
      Bytes += char((R.Crc >> (8 * I)) & 0xff);
  return Bytes;
}

std::string expectedExtNames() {
  std::string Bytes;
  for (const Record &R : NewRecords)
    Bytes += std::string(R.Name) + '\0';
  return Bytes;
}

// ---------------------------------------------------------------------------------------------
// Reading objects back

struct Section {
  std::string Name;
  uint32_t Type = 0;
  uint64_t Flags = 0, Align = 0, Size = 0;
  std::string Bytes; // empty for NOBITS
};

struct Symbol {
  std::string Name, SectionName;
  unsigned Bind = 0, Type = 0;
  uint64_t Value = 0;
  bool operator<(const Symbol &O) const {
    return std::tie(Name, SectionName, Bind, Type, Value) <
           std::tie(O.Name, O.SectionName, O.Bind, O.Type, O.Value);
  }
};

struct Object {
  std::vector<Section> Sections;
  std::vector<Symbol> Symbols; // named, not STT_SECTION/STT_FILE
  std::vector<const Section *> named(llvm::StringRef Name) const {
    std::vector<const Section *> R;
    for (const Section &S : Sections)
      if (S.Name == Name)
        R.push_back(&S);
    return R;
  }
  const Section *one(llvm::StringRef Name) const {
    auto R = named(Name);
    return R.size() == 1 ? R[0] : nullptr;
  }
};

Object readObject(const std::string &Path) {
  Object Obj;
  std::string Bytes = readWhole(Path);
  auto File = llvm::object::ELFFile<ELFT>::create(Bytes);
  if (!File) {
    ADD_FAILURE() << Path << ": " << llvm::toString(File.takeError());
    return Obj;
  }
  auto Sections = llvm::cantFail(File->sections());
  for (const ELFT::Shdr &Sh : Sections) {
    Section S;
    S.Name = llvm::cantFail(File->getSectionName(Sh)).str();
    S.Type = Sh.sh_type;
    S.Flags = Sh.sh_flags;
    S.Align = Sh.sh_addralign;
    S.Size = Sh.sh_size;
    if (Sh.sh_type != SHT_NOBITS) {
      auto Contents = llvm::cantFail(File->getSectionContents(Sh));
      S.Bytes.assign(reinterpret_cast<const char *>(Contents.data()), Contents.size());
    }
    EXPECT_EQ(Sh.sh_addr, 0u) << Path << ": section " << S.Name << " has an address";
    Obj.Sections.push_back(std::move(S));
    if (Sh.sh_type != SHT_SYMTAB)
      continue;
    auto Syms = llvm::cantFail(File->symbols(&Sh));
    auto StrTab = llvm::cantFail(File->getStringTableForSymtab(Sh));
    for (const ELFT::Sym &Sym : Syms.drop_front()) {
      if (Sym.getType() == STT_SECTION || Sym.getType() == STT_FILE)
        continue;
      Symbol Y;
      Y.Name = llvm::cantFail(Sym.getName(StrTab)).str();
      Y.Bind = Sym.getBinding();
      Y.Type = Sym.getType();
      Y.Value = Sym.st_value;
      if (Sym.st_shndx == SHN_UNDEF)
        Y.SectionName = "*UND*";
      else if (Sym.st_shndx == SHN_ABS)
        Y.SectionName = "*ABS*";
      else if (Sym.st_shndx == SHN_COMMON)
        Y.SectionName = "*COM*";
      else
        Y.SectionName = llvm::cantFail(File->getSectionName(Sections[Sym.st_shndx]));
      Obj.Symbols.push_back(std::move(Y));
    }
  }
  return Obj;
}

bool isVersionName(llvm::StringRef Name) {
  return Name == "__versions" || Name.starts_with("__version_ext_") || Name.starts_with(".modver.");
}

// Sections the linker rebuilds from scratch; compared through the symbols instead.
bool isLinkerMade(const Section &S) {
  return S.Type == SHT_NULL || S.Type == SHT_RELA || S.Type == SHT_REL || S.Type == SHT_SYMTAB ||
         S.Type == SHT_STRTAB || S.Type == SHT_GROUP;
}

std::set<std::string> stringsOf(const std::string &Bytes) {
  std::set<std::string> R;
  llvm::SmallVector<llvm::StringRef, 16> Parts;
  llvm::StringRef(Bytes).split(Parts, '\0', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef P : Parts)
    R.insert(P.str());
  return R;
}

// Every non-version section of Module is in Out once with the same type, flags and contents;
// SHF_MERGE|SHF_STRINGS sections (which LLD deduplicates and GNU ld concatenates in -r links)
// with the same set of strings. Every named symbol of Module is still there, defined in the
// same section at the same offset (except in mergeable sections, where offsets move).
// Symbols defined in the module's old version tables are left out: they go with the tables.
void expectPassedThrough(const Object &Module, const Object &Out, const std::string &What) {
  for (const Section &In : Module.Sections) {
    if (isLinkerMade(In) || isVersionName(In.Name))
      continue;
    SCOPED_TRACE(What + ": section " + In.Name);
    auto Found = Out.named(In.Name);
    ASSERT_EQ(Found.size(), 1u) << "expected once in the output";
    const Section &O = *Found[0];
    EXPECT_EQ(O.Type, In.Type);
    EXPECT_EQ(O.Flags, In.Flags);
    EXPECT_EQ(O.Align, In.Align);
    if ((In.Flags & SHF_MERGE) && (In.Flags & SHF_STRINGS))
      EXPECT_EQ(stringsOf(O.Bytes), stringsOf(In.Bytes));
    else if (In.Type == SHT_NOBITS)
      EXPECT_EQ(O.Size, In.Size);
    else
      EXPECT_TRUE(O.Bytes == In.Bytes)
          << "contents differ (" << In.Bytes.size() << " vs " << O.Bytes.size() << " bytes)";
  }
  std::map<std::string, uint64_t> MergeFlags;
  for (const Section &S : Module.Sections)
    MergeFlags[S.Name] = S.Flags & SHF_MERGE;
  auto Key = [&](Symbol S) {
    if (MergeFlags[S.SectionName])
      S.Value = 0;
    return S;
  };
  std::multiset<Symbol> OutSyms;
  for (const Symbol &S : Out.Symbols)
    OutSyms.insert(Key(S));
  for (const Symbol &S : Module.Symbols) {
    if (isVersionName(S.SectionName))
      continue;
    auto It = OutSyms.find(Key(S));
    if (It == OutSyms.end()) {
      ADD_FAILURE() << What << ": symbol " << S.Name << " (in " << S.SectionName
                    << ") missing from the output";
      continue;
    }
    OutSyms.erase(It);
  }
}

void expectVersionSection(const Object &Out, llvm::StringRef Name, uint64_t Align,
                          const std::string &Bytes, const std::string &What) {
  SCOPED_TRACE(What + ": " + Name.str());
  auto Found = Out.named(Name);
  ASSERT_EQ(Found.size(), 1u) << "expected exactly one " << Name.str();
  EXPECT_EQ(Found[0]->Type, SHT_PROGBITS);
  EXPECT_EQ(Found[0]->Flags, uint64_t(SHF_ALLOC));
  EXPECT_EQ(Found[0]->Align, Align);
  EXPECT_TRUE(Found[0]->Bytes == Bytes) << "records differ";
}

void expectNoSection(const Object &Out, llvm::StringRef Name, const std::string &What) {
  EXPECT_TRUE(Out.named(Name).empty()) << What << ": unexpected section " << Name.str();
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures

struct Fixtures {
  TempDir Dir;
  std::string Module, ModuleWithOld, Versions, VersionsExt, Script;
};

const Fixtures &fixtures() {
  static Fixtures *F = [] {
    auto *F = new Fixtures;
    F->Module = compile(F->Dir, "mod.c", ModuleSource, {"-O2"});
    std::string Old = compile(F->Dir, "old.c", OldTablesSource);
    F->Versions = compile(F->Dir, "vers.c", versionsSource(false));
    F->VersionsExt = compile(F->Dir, "versext.c", versionsSource(true));
    // A module as modpost + the kernel's module.lds make it: tables under the kernel's names,
    // and a build ID (Kbuild links with --build-id=sha1).
    F->ModuleWithOld = F->Dir.file("modold.o");
    CommandResult R = run({"ld", "-r", "--build-id=sha1", "-o", F->ModuleWithOld, F->Module, Old});
    EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
    auto Script = findLinkerScript("modver.lds", "");
    if (!Script)
      ADD_FAILURE() << llvm::toString(Script.takeError());
    else
      F->Script = *Script;
    return F;
  }();
  return *F;
}

// One in-process Linker for the whole test program, as Linker::inProcess() asks.
Linker &inProcessLinker() {
  static std::unique_ptr<Linker> L = llvm::cantFail(Linker::inProcess());
  return *L;
}

// "in-process", or the external program's name. Null (and the test skipped) when the
// program is not installed.
std::unique_ptr<Linker> externalLinker(const std::string &Program) {
  auto L = Linker::external(Program);
  if (!L) {
    llvm::consumeError(L.takeError());
    return nullptr;
  }
  return std::move(*L);
}

class RelinkWith : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    if (GetParam() == "in-process") {
      L = &inProcessLinker();
      return;
    }
    Owned = externalLinker(GetParam());
    if (!Owned)
      GTEST_SKIP() << GetParam() << " is not installed";
    L = Owned.get();
  }
  llvm::Error link(std::vector<std::string> Inputs, const std::string &Out,
                   std::string Script = "") {
    RelinkJob Job;
    Job.Inputs = std::move(Inputs);
    Job.OutputPath = Out;
    Job.ScriptPath = Script.empty() ? fixtures().Script : Script;
    return L->link(Job);
  }
  std::vector<std::string> filesIn(const TempDir &Dir) {
    std::vector<std::string> Names;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Dir.path(), EC), End; It != End && !EC;
         It.increment(EC))
      Names.push_back(llvm::sys::path::filename(It->path()).str());
    std::sort(Names.begin(), Names.end());
    return Names;
  }

  Linker *L = nullptr;
  std::unique_ptr<Linker> Owned;
};

TEST_P(RelinkWith, AddsVersionsAndPassesEverythingElseThrough) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  std::string Out = Dir.file("out.ko");
  ASSERT_FALSE(llvm::errorToBool(link({F.Module, F.Versions}, Out)));
  Object O = readObject(Out);
  expectVersionSection(O, "__versions", 8, expectedVersions(), GetParam());
  // No extended tables in, none out: in particular no empty sections.
  expectNoSection(O, "__version_ext_crcs", GetParam());
  expectNoSection(O, "__version_ext_names", GetParam());
  expectNoSection(O, ".modver.versions", GetParam());
  expectPassedThrough(readObject(F.Module), O, GetParam());
  // Sanity of the comparison itself: the fixture has the sections it is meant to have.
  Object In = readObject(F.Module);
  for (const char *Name : {".text", ".init.text", ".data", ".bss", ".rodata", ".modinfo",
                           ".gnu.linkonce.this_module", ".comment"})
    EXPECT_EQ(In.named(Name).size(), 1u) << "fixture lacks " << Name;
  EXPECT_TRUE(std::any_of(In.Symbols.begin(), In.Symbols.end(), [](const Symbol &S) {
    return S.Name == "imported_fn" && S.SectionName == "*UND*";
  }));
}

TEST_P(RelinkWith, AddsExtendedTables) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  std::string Out = Dir.file("out.ko");
  ASSERT_FALSE(llvm::errorToBool(link({F.Module, F.VersionsExt}, Out)));
  Object O = readObject(Out);
  expectVersionSection(O, "__versions", 8, expectedVersions(), GetParam());
  expectVersionSection(O, "__version_ext_crcs", 4, expectedExtCrcs(), GetParam());
  expectVersionSection(O, "__version_ext_names", 1, expectedExtNames(), GetParam());
  expectPassedThrough(readObject(F.Module), O, GetParam());
}

TEST_P(RelinkWith, ReplacesOldTablesInsteadOfAddingToThem) {
  const Fixtures &F = fixtures();
  Object In = readObject(F.ModuleWithOld);
  ASSERT_EQ(In.named("__versions").size(), 1u);
  ASSERT_EQ(In.named("__version_ext_crcs").size(), 1u);
  ASSERT_EQ(In.named(".note.gnu.build-id").size(), 1u);
  TempDir Dir;
  std::string Out = Dir.file("out.ko");
  ASSERT_FALSE(llvm::errorToBool(link({F.ModuleWithOld, F.Versions}, Out)));
  Object O = readObject(Out);
  expectVersionSection(O, "__versions", 8, expectedVersions(), GetParam());
  expectNoSection(O, "__version_ext_crcs", GetParam());
  expectNoSection(O, "__version_ext_names", GetParam());
  expectPassedThrough(In, O, GetParam());
  // The old tables' symbols went with them; the new table's symbol is the only one left.
  EXPECT_EQ(std::count_if(O.Symbols.begin(), O.Symbols.end(),
                          [](const Symbol &S) { return S.Name == "____versions"; }),
            1);
  EXPECT_EQ(std::count_if(O.Symbols.begin(), O.Symbols.end(),
                          [](const Symbol &S) { return S.Name == "____version_ext_crcs"; }),
            0);

  // Relinking the relinked module again (re-versioning) still gives one table.
  std::string Again = Dir.file("again.ko");
  ASSERT_FALSE(llvm::errorToBool(link({Out, F.VersionsExt}, Again)));
  Object A = readObject(Again);
  expectVersionSection(A, "__versions", 8, expectedVersions(), GetParam() + " again");
  expectVersionSection(A, "__version_ext_crcs", 4, expectedExtCrcs(), GetParam() + " again");
  expectPassedThrough(In, A, GetParam() + " again");
}

TEST_P(RelinkWith, SameInputsGiveTheSameBytes) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  ASSERT_FALSE(llvm::errorToBool(link({F.Module, F.VersionsExt}, Dir.file("a.ko"))));
  ASSERT_FALSE(llvm::errorToBool(link({F.Module, F.VersionsExt}, Dir.file("b.ko"))));
  EXPECT_TRUE(readWhole(Dir.file("a.ko")) == readWhole(Dir.file("b.ko")));
}

TEST_P(RelinkWith, FailuresAreErrorsAndLeaveNothingBehind) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  std::string BadScript = Dir.write("bad.lds", "SECTIONS { this is not a script\n");
  std::string Out = Dir.write("out.ko", "previous output");
  struct Case {
    std::vector<std::string> Inputs;
    std::string Script, Expect;
  };
  std::vector<Case> Failing = {
      {{F.Module, Dir.file("missing.o")}, "", "missing.o"},
      {{F.Module, F.Versions}, BadScript, "bad.lds"},
      {{F.Module, BadScript}, "", "bad.lds"}, // an input that is not an object
  };
  // Three failing and three good links in turn, in one process: the process survives and
  // the linker keeps working.
  for (const Case &C : Failing) {
    llvm::Error E = link(C.Inputs, Out, C.Script);
    ASSERT_TRUE(bool(E)) << "expected the link to fail";
    std::string Msg = llvm::toString(std::move(E));
    EXPECT_TRUE(llvm::StringRef(Msg).starts_with(Out + ": ")) << Msg;
    EXPECT_NE(Msg.find(C.Expect), std::string::npos) << Msg;
    EXPECT_EQ(Msg.find('\n'), std::string::npos) << "not one line: " << Msg;
    EXPECT_EQ(Msg.find(".relink-"), std::string::npos) << "mentions the temporary: " << Msg;
    EXPECT_EQ(readWhole(Out), "previous output");
    EXPECT_EQ(filesIn(Dir), (std::vector<std::string>{"bad.lds", "out.ko"}));

    std::string Good = Dir.file("good.ko");
    ASSERT_FALSE(llvm::errorToBool(link({F.Module, F.Versions}, Good)));
    expectVersionSection(readObject(Good), "__versions", 8, expectedVersions(), GetParam());
    llvm::sys::fs::remove(Good);
  }
  // An output folder that does not exist.
  llvm::Error E = link({F.Module, F.Versions}, Dir.file("no/such/dir/out.ko"));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("no/such/dir/out.ko"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Linkers, RelinkWith, ::testing::Values("in-process", "ld", "ld.lld"),
                         [](const auto &Info) {
                           std::string N = Info.param;
                           std::replace_if(
                               N.begin(), N.end(), [](char C) { return !isalnum(C); }, '_');
                           return N;
                         });

// ---------------------------------------------------------------------------------------------
// In-process only

size_t residentBytes() {
  std::ifstream Statm("/proc/self/statm");
  size_t Pages = 0, Resident = 0;
  Statm >> Pages >> Resident;
  return Resident * size_t(sysconf(_SC_PAGESIZE));
}

TEST(RelinkInProcess, ManyLinksDoNotGrowMemory) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  RelinkJob Job{{F.ModuleWithOld, F.VersionsExt}, Dir.file("out.ko"), F.Script};
  RelinkJob Bad{{F.Module, Dir.file("missing.o")}, Dir.file("bad.ko"), F.Script};
  Linker &L = inProcessLinker();
  // Warm up: allocator arenas and first-use caches settle in the first links.
  for (int I = 0; I < 50; ++I) {
    ASSERT_FALSE(llvm::errorToBool(L.link(Job)));
  }
  size_t Before = residentBytes();
  auto Start = std::chrono::steady_clock::now();
  for (int I = 0; I < 1000; ++I) {
    ASSERT_FALSE(llvm::errorToBool(L.link(Job)));
    if (I % 100 == 0) { // failed links must clean up too
      ASSERT_TRUE(llvm::errorToBool(L.link(Bad)));
    }
  }
  double Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  size_t After = residentBytes();
  long GrowthKiB = (long(After) - long(Before)) / 1024;
  std::printf("1000 in-process links: %.2f s, RSS %zu KiB -> %zu KiB (%+ld KiB)\n", Seconds,
              Before / 1024, After / 1024, GrowthKiB);
  // A leaked link state (symbol table, input buffers) costs tens of KiB per link, so 1000
  // links would add tens of MiB; allow a few MiB of allocator noise.
  EXPECT_LT(GrowthKiB, 4 * 1024);
}

TEST(RelinkInProcess, OneLinkerSerialisesThreads) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  Linker &L = inProcessLinker();
  std::vector<std::thread> Threads;
  std::vector<int> Failures(4, 0);
  for (int T = 0; T < 4; ++T)
    Threads.emplace_back([&, T] {
      RelinkJob Job{{F.Module, F.VersionsExt}, Dir.file("t" + std::to_string(T) + ".ko"), F.Script};
      for (int I = 0; I < 20; ++I)
        if (llvm::errorToBool(L.link(Job)))
          ++Failures[T];
    });
  for (std::thread &T : Threads)
    T.join();
  for (int T = 0; T < 4; ++T) {
    EXPECT_EQ(Failures[T], 0);
    EXPECT_TRUE(readWhole(Dir.file("t" + std::to_string(T) + ".ko")) ==
                readWhole(Dir.file("t0.ko")));
  }
}

// ---------------------------------------------------------------------------------------------
// Small pieces

TEST(RelinkScript, FoundFromTheTestExecutable) {
  auto Script = findLinkerScript("modver.lds", "");
  ASSERT_TRUE(bool(Script)) << llvm::toString(Script.takeError());
  llvm::SmallString<256> Expected;
  ASSERT_FALSE(llvm::sys::fs::real_path(MODVER_SOURCE_DIR "/linker-scripts/modver.lds", Expected));
  EXPECT_EQ(*Script, std::string(Expected));

  auto Missing = findLinkerScript("no-such.lds", "");
  ASSERT_FALSE(bool(Missing));
  std::string Msg = llvm::toString(Missing.takeError());
  EXPECT_TRUE(llvm::StringRef(Msg).starts_with("no-such.lds: linker script not found")) << Msg;
}

TEST(RelinkExternal, UnknownProgramIsAnError) {
  auto L = Linker::external("modver-no-such-linker");
  ASSERT_FALSE(bool(L));
  EXPECT_NE(llvm::toString(L.takeError()).find("modver-no-such-linker"), std::string::npos);
}

TEST(RelinkDiagnostics, FirstErrorLineWithoutProgramName) {
  EXPECT_EQ(firstDiagnosticLine("ld.lld: error: cannot open x.o: No such file\n"
                                "ld.lld: error: second\n",
                                "ld.lld"),
            "cannot open x.o: No such file");
  EXPECT_EQ(
      firstDiagnosticLine("/usr/bin/ld: warning: w\n/usr/bin/ld: cannot find x.o\n", "/usr/bin/ld"),
      "cannot find x.o");
  EXPECT_EQ(firstDiagnosticLine("ld: warning: only warnings\n", "/usr/bin/ld"),
            "warning: only warnings");
  EXPECT_EQ(firstDiagnosticLine("/usr/bin/ld:/x/bad.lds:1: syntax error\n", "/usr/bin/ld"),
            "/x/bad.lds:1: syntax error");
  EXPECT_EQ(firstDiagnosticLine("\n  \n", "ld"), "");
}

// ---------------------------------------------------------------------------------------------
// Timings and a real module

double medianMs(Linker &L, const RelinkJob &Job, int Runs) {
  std::vector<double> Ms;
  for (int I = 0; I < Runs; ++I) {
    auto Start = std::chrono::steady_clock::now();
    llvm::Error E = L.link(Job);
    Ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - Start)
                     .count());
    if (E) {
      ADD_FAILURE() << llvm::toString(std::move(E));
      return -1;
    }
  }
  std::sort(Ms.begin(), Ms.end());
  return Ms[Ms.size() / 2];
}

void reportTimings(const char *What, const RelinkJob &Job) {
  std::printf("median relink time, %s:", What);
  std::printf(" in-process LLD %.2f ms", medianMs(inProcessLinker(), Job, 21));
  for (const char *Program : {"ld", "ld.lld"})
    if (auto L = externalLinker(Program))
      std::printf(", %s %.2f ms", Program, medianMs(*L, Job, 21));
  std::printf("\n");
}

TEST(RelinkTiming, SmallModule) {
  const Fixtures &F = fixtures();
  TempDir Dir;
  reportTimings("small module", {{F.ModuleWithOld, F.VersionsExt}, Dir.file("out.ko"), F.Script});
}

std::string kernelModule(llvm::StringRef Rel) {
  const char *Cache = getenv("MODVER_KERNEL_CACHE");
  return (llvm::Twine(Cache ? Cache : MODVER_KERNEL_CACHE_DEFAULT) + "/" + Rel).str();
}

// fat.ko from Debian's 6.1.0-56 kernel, relinked with a versions object holding its own
// __versions renamed to .modver.versions: the result must have the original's sections.
TEST(RelinkRealModule, DebianFatKo) {
  std::string Fat = kernelModule("6.1.0-56-amd64/lib/modules/6.1.0-56-amd64/kernel/fs/fat/fat.ko");
  if (!llvm::sys::fs::exists(Fat))
    GTEST_SKIP() << Fat << " is not there (fetch the Debian kernels)";
  const Fixtures &F = fixtures();
  TempDir Dir;
  std::string Vers = Dir.file("fat-versions.o");
  // The versions object must carry an empty .note.GNU-stack like any compiled object: GNU ld
  // otherwise marks the output's .note.GNU-stack SHF_EXECINSTR (stack must be executable).
  CommandResult R =
      run({"objcopy", "--only-section=__versions", "--rename-section",
           "__versions=.modver.versions", "--add-section", ".note.GNU-stack=/dev/null", Fat, Vers});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  Object In = readObject(Fat);
  const Section *OldVersions = In.one("__versions");
  ASSERT_NE(OldVersions, nullptr);

  RelinkJob Job{{Fat, Vers}, Dir.file("fat.ko"), F.Script};
  std::vector<std::pair<std::string, std::unique_ptr<Linker>>> Linkers;
  Linkers.emplace_back("in-process", nullptr);
  for (const char *Program : {"ld", "ld.lld"})
    if (auto L = externalLinker(Program))
      Linkers.emplace_back(Program, std::move(L));
  for (auto &[Name, Owned] : Linkers) {
    Linker &L = Owned ? *Owned : inProcessLinker();
    ASSERT_FALSE(llvm::errorToBool(L.link(Job))) << Name;
    Object O = readObject(Job.OutputPath);
    expectVersionSection(O, "__versions", OldVersions->Align, OldVersions->Bytes, "fat.ko " + Name);
    expectPassedThrough(In, O, "fat.ko " + Name);
  }
  reportTimings("fat.ko", Job);
}

} // namespace
