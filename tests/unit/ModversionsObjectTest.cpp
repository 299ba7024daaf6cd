#include "Versioning/ModversionsObject.h"

#include "Database/DbMetadata.h"
#include "Elf/ElfFile.h"
#include "Elf/ElfWriter.h"
#include "Fixture.h"
#include "Module/VersionsSection.h"
#include "Versioning/VersionsObject.h"

#include <chrono>
#include <ctime>
#include <gtest/gtest.h>

using namespace modver;
using namespace llvm::ELF;

namespace {

ElfTarget target(bool Is64, bool LE, uint16_t Machine, uint32_t Flags = 0) {
  ElfTarget T;
  T.Is64 = Is64;
  T.IsLittleEndian = LE;
  T.Machine = Machine;
  T.Flags = Flags;
  return T;
}
ElfTarget x86_64() { return target(true, true, EM_X86_64); }
ElfTarget i386() { return target(false, true, EM_386); }
ElfTarget ppc64() { return target(true, false, EM_PPC64); }

Export exp(std::string Name, uint32_t Crc, bool Gpl = false, std::string Ns = "",
           std::string Exporter = "vmlinux", std::string Source = "Module.symvers") {
  Export E;
  E.Name = std::move(Name);
  E.Crc = Crc;
  E.GplOnly = Gpl;
  E.Namespace = std::move(Ns);
  E.Exporter = std::move(Exporter);
  E.Source = std::move(Source);
  return E;
}

SymbolDb sampleDb(const ElfTarget &T, std::vector<Export> Extra = {}) {
  SymbolDb Db;
  Db.kernel().Release = "6.1.0-56-amd64";
  Db.kernel().Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
  Db.kernel().Target = T;
  Db.kernel().ForceLoad = false;
  std::vector<Export> All = {
      exp("printk", 0x12345678), exp("module_layout", 0xdeadbeef),
      exp("usb_stor_bar", 0x1, true, "USB_STORAGE", "drivers/usb/storage/usb-storage",
          "/boot/symvers-6.1.0-56-amd64.gz"),
      exp("odd\tname\\with\nescapes", 0, true, "N\tS", "weird\\mod", "src\tfile"),
      exp("zero_crc", 0)};
  All.insert(All.end(), Extra.begin(), Extra.end());
  for (Export &E : All)
    EXPECT_FALSE(bool(Db.add(std::move(E))));
  return Db;
}

void expectSameDb(const SymbolDb &A, const SymbolDb &B) {
  EXPECT_EQ(A.kernel().Release, B.kernel().Release);
  EXPECT_EQ(A.kernel().Vermagic, B.kernel().Vermagic);
  EXPECT_EQ(A.kernel().ForceLoad, B.kernel().ForceLoad);
  ASSERT_TRUE(A.kernel().Target && B.kernel().Target);
  EXPECT_EQ(*A.kernel().Target, *B.kernel().Target);
  auto SA = A.sorted(), SB = B.sorted();
  ASSERT_EQ(SA.size(), SB.size());
  for (size_t I = 0; I < SA.size(); ++I) {
    SCOPED_TRACE(SA[I]->Name);
    EXPECT_EQ(SA[I]->Name, SB[I]->Name);
    EXPECT_EQ(SA[I]->Crc, SB[I]->Crc);
    EXPECT_EQ(SA[I]->HasCrc, SB[I]->HasCrc);
    EXPECT_EQ(SA[I]->GplOnly, SB[I]->GplOnly);
    EXPECT_EQ(SA[I]->Namespace, SB[I]->Namespace);
    EXPECT_EQ(SA[I]->Exporter, SB[I]->Exporter);
    EXPECT_EQ(SA[I]->Source, SB[I]->Source);
  }
}

void roundTrip(const SymbolDb &Db) {
  auto Obj = writeModversionsObject(Db);
  ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
  EXPECT_TRUE(isModversionsObject(*Obj));
  auto Back = readModversionsObject("modversions.o", *Obj);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  expectSameDb(Db, *Back);
  // Written again from what was read: the same bytes.
  auto Again = writeModversionsObject(*Back);
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(*Obj, *Again);
}

std::string errorOf(llvm::StringRef Bytes) {
  auto Db = readModversionsObject("m.o", Bytes);
  if (Db)
    return "<accepted>";
  return llvm::toString(Db.takeError());
}

// An object with hand-made records and metadata, for inconsistencies the writer never makes.
std::string handMade(const ElfTarget &T, std::vector<VersionRecord> Classic,
                     std::optional<std::vector<VersionRecord>> Ext, std::string Meta) {
  auto Secs = versionsSections(T, Classic, Ext);
  EXPECT_TRUE(bool(Secs));
  if (!Secs)
    return {};
  Secs->push_back({".modver.db", SHT_PROGBITS, 0, 1, 0, std::move(Meta)});
  auto Obj = writeElfObject(T, *Secs);
  EXPECT_TRUE(bool(Obj));
  return Obj ? *Obj : std::string();
}

const char MetaHead[] =
    "modver-db\t1\nrelease\t\nvermagic\t\nforce-load\tunknown\nmissing-ns-imports\tunknown\n"
    "sources\t1\nModule.symvers\n";

} // namespace

TEST(ModversionsObject, RoundTrip64LE) { roundTrip(sampleDb(x86_64())); }
TEST(ModversionsObject, RoundTrip32LE) { roundTrip(sampleDb(i386())); }
TEST(ModversionsObject, RoundTrip64BE) { roundTrip(sampleDb(ppc64())); }

TEST(ModversionsObject, RoundTripUnknownKernelDetailsAndNoCrcs) {
  SymbolDb Db;
  Db.kernel().Target = target(false, false, EM_PPC, 0x8000);
  Export E = exp("foo", 0);
  E.HasCrc = false;
  ASSERT_FALSE(bool(Db.add(E)));
  roundTrip(Db);
  roundTrip([] {
    SymbolDb Empty;
    Empty.kernel().Target = x86_64();
    return Empty;
  }());
}

TEST(ModversionsObject, RecordsAreSortedAndWhereTheKernelWantsThem) {
  SymbolDb Db = sampleDb(x86_64());
  auto Obj = writeModversionsObject(Db);
  ASSERT_TRUE(bool(Obj));
  auto Tables = readVersionTables("m.o", *Obj);
  ASSERT_TRUE(bool(Tables)) << llvm::toString(Tables.takeError());
  ASSERT_TRUE(Tables->Classic);
  EXPECT_FALSE(Tables->Extended);
  ASSERT_EQ(Tables->Classic->size(), 5u);
  EXPECT_EQ((*Tables->Classic)[0].Name, "module_layout");
  EXPECT_EQ((*Tables->Classic)[0].Crc, 0xdeadbeefu);
  EXPECT_EQ((*Tables->Classic)[1].Name, "odd\tname\\with\nescapes");
  EXPECT_EQ((*Tables->Classic)[2].Name, "printk");
}

TEST(ModversionsObject, LongNamesGiveTheExtendedPair) {
  for (ElfTarget T : {x86_64(), i386()}) {
    SCOPED_TRACE(T.describe());
    size_t Max = maxClassicNameLength(T);
    std::string Fits(Max, 'f'), TooLong(Max + 1, 'l');
    SymbolDb Db = sampleDb(T, {exp(Fits, 7), exp(TooLong, 8, true, "RUST")});
    auto Obj = writeModversionsObject(Db);
    ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
    auto Tables = readVersionTables("m.o", *Obj);
    ASSERT_TRUE(bool(Tables)) << llvm::toString(Tables.takeError());
    ASSERT_TRUE(Tables->Classic && Tables->Extended);
    EXPECT_EQ(Tables->Classic->size(), 6u);
    ASSERT_EQ(Tables->Extended->size(), 7u);
    std::vector<VersionRecord> Expected;
    for (const Export *E : Db.sorted())
      Expected.push_back({E->Name, E->Crc});
    EXPECT_EQ(*Tables->Extended, Expected);
    roundTrip(Db);
  }
}

TEST(ModversionsObject, Deterministic) {
  SymbolDb A = sampleDb(ppc64());
  // Same content, other insertion order.
  SymbolDb B;
  B.kernel() = A.kernel();
  for (auto It = A.exports().rbegin(); It != A.exports().rend(); ++It)
    ASSERT_FALSE(bool(B.add(*It)));
  auto OA = writeModversionsObject(A), OA2 = writeModversionsObject(A),
       OB = writeModversionsObject(B);
  ASSERT_TRUE(OA && OA2 && OB);
  EXPECT_EQ(*OA, *OA2);
  EXPECT_EQ(*OA, *OB);
}

TEST(ModversionsObject, UnknownTargetIsAnError) {
  SymbolDb Db;
  ASSERT_FALSE(bool(Db.add(exp("a", 1))));
  auto Obj = writeModversionsObject(Db);
  ASSERT_FALSE(bool(Obj));
  EXPECT_NE(llvm::toString(Obj.takeError()).find("the kernel's ELF target is unknown"),
            std::string::npos);
}

TEST(ModversionsObject, MetadataSectionIsNotAllocatedAndReadable) {
  auto Obj = writeModversionsObject(sampleDb(x86_64()));
  ASSERT_TRUE(bool(Obj));
  test::TempDir Dir;
  std::string Path = Dir.write("modversions.o", *Obj);
  test::CommandResult R = test::run({"readelf", "-SW", Path});
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stdout.find(".modver.db"), std::string::npos);
  EXPECT_NE(R.Stdout.find(".note.GNU-stack"), std::string::npos);
  test::CommandResult D = test::run(
      {"objcopy", "--dump-section", ".modver.db=" + Dir.file("db.txt"), Path, Dir.file("x.o")});
  ASSERT_EQ(D.ExitCode, 0) << D.Stderr;
  std::string Text = test::readWhole(Dir.file("db.txt"));
  EXPECT_EQ(Text.substr(0, 12), "modver-db\t2\n");
  EXPECT_NE(Text.find("usb_stor_bar\tgc\tUSB_STORAGE\tdrivers/usb/storage/usb-storage\t2\n"),
            std::string::npos)
      << Text;
}

TEST(ModversionsObject, LinksWithLdRAndKeepsRecords) {
  auto Obj = writeModversionsObject(sampleDb(x86_64(), {exp(std::string(60, 'x'), 9)}));
  ASSERT_TRUE(bool(Obj));
  test::TempDir Dir;
  std::string In = Dir.write("modversions.o", *Obj);
  for (const char *Ld : {"ld.bfd", "ld.lld"}) {
    SCOPED_TRACE(Ld);
    std::string Out = Dir.file(std::string("linked-") + Ld + ".o");
    test::CommandResult R = test::run({Ld, "-r", "-o", Out, In});
    ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
    auto Back = readModversionsObject(Out, test::readWhole(Out));
    ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
    EXPECT_EQ(Back->size(), 6u);
  }
}

TEST(ModversionsObject, IsModversionsObject) {
  auto Plain = writeVersionsObject(x86_64(), {{"a", 1}}, std::nullopt);
  ASSERT_TRUE(bool(Plain));
  EXPECT_FALSE(isModversionsObject(*Plain));
  EXPECT_FALSE(isModversionsObject("not elf"));
  EXPECT_FALSE(isModversionsObject("\x7f"
                                   "ELF"));
  EXPECT_EQ(errorOf(*Plain), "m.o: not a modversions.o: no .modver.db section");
}

TEST(ModversionsObject, VersionsObjectWithMkmodNames) {
  std::vector<VersionRecord> Classic = {{"a", 1}, {"module_layout", 2}};
  std::vector<VersionRecord> Ext = {{"a", 1}, {std::string(70, 'r'), 3}, {"module_layout", 2}};
  auto Obj = writeVersionsObject(i386(), Classic, Ext, SectionNames::modverInput());
  ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
  llvm::Error E = withElfFile("v.o", *Obj, [&](const auto &Elf) -> llvm::Error {
    for (llvm::StringRef Name :
         {".modver.versions", ".modver.version_ext_crcs", ".modver.version_ext_names"}) {
      auto Sec = findSection(Elf, Name);
      if (!Sec)
        return Sec.takeError();
      EXPECT_NE(*Sec, nullptr) << Name.str();
      if (*Sec) {
        EXPECT_TRUE((*Sec)->sh_flags & SHF_ALLOC) << Name.str();
      }
    }
    auto Old = findSection(Elf, "__versions");
    EXPECT_TRUE(Old && !*Old);
    return llvm::Error::success();
  });
  EXPECT_FALSE(bool(E));
  // Kernel names by default; the records decode back.
  auto Kernel = writeVersionsObject(i386(), Classic, Ext);
  ASSERT_TRUE(bool(Kernel));
  auto Tables = readVersionTables("v.o", *Kernel);
  ASSERT_TRUE(bool(Tables)) << llvm::toString(Tables.takeError());
  EXPECT_EQ(*Tables->Classic, Classic);
  EXPECT_EQ(*Tables->Extended, Ext);
  // A classic name that does not fit is refused.
  auto Bad = writeVersionsObject(i386(), Ext, std::nullopt);
  EXPECT_FALSE(bool(Bad));
  llvm::consumeError(Bad.takeError());
}

TEST(ModversionsObject, CorruptedMetadataIsAnError) {
  auto Obj = writeModversionsObject(sampleDb(x86_64()));
  ASSERT_TRUE(bool(Obj));
  auto Patch = [&](llvm::StringRef From, llvm::StringRef To) {
    std::string Copy = *Obj;
    size_t At = Copy.find(From.str());
    EXPECT_NE(At, std::string::npos) << From.str();
    if (At != std::string::npos)
      Copy.replace(At, From.size(), To.str());
    return Copy;
  };
  EXPECT_EQ(errorOf(Patch("printk\tc\t", "printk\tx\t")),
            "m.o: .modver.db line 13: bad flags 'x' for symbol 'printk'");
  EXPECT_EQ(errorOf(Patch("modver-db\t2", "modver-db\t9")),
            "m.o: .modver.db has an unsupported format version '9'");
  EXPECT_EQ(errorOf(Patch("symbols\t5", "symbols\t4")),
            "m.o: .modver.db line 14: unexpected text after the last symbol");
  EXPECT_EQ(errorOf(Patch("force-load\tno", "force-load\tnn")),
            "m.o: .modver.db line 4: bad force-load 'nn'");
  EXPECT_EQ(errorOf(Patch("printk\tc\t\tvmlinux\t0", "printk\tc\t\tvmlinux\t7")),
            "m.o: .modver.db line 13: bad source number '7' for symbol 'printk'");
}

TEST(ModversionsObject, CorruptedRecordsAreAnError) {
  auto Obj = writeModversionsObject(sampleDb(x86_64()));
  ASSERT_TRUE(bool(Obj));
  // Rename a record: metadata and records no longer join.
  std::string Copy = *Obj;
  size_t At = Copy.find(std::string("printk\0", 7));
  ASSERT_NE(At, std::string::npos);
  Copy[At] = 'q';
  EXPECT_EQ(errorOf(Copy), "m.o: symbol 'printk' is in .modver.db but has no version record");
}

TEST(ModversionsObject, RecordsAndMetadataMustAgree) {
  ElfTarget T = x86_64();
  std::string Meta = std::string(MetaHead) + "symbols\t1\na\tc\t\tvmlinux\t0\n";
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}, {"b", 2}}, std::nullopt, Meta)),
            "m.o: symbol 'b' has a version record but is not in .modver.db");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}, {"a", 2}}, std::nullopt, Meta)),
            "m.o: symbol 'a' appears twice in __versions");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}}, std::vector<VersionRecord>{{"a", 2}}, Meta)),
            "m.o: symbol 'a' has CRC 0x00000001 in __versions but 0x00000002 in "
            "__version_ext_crcs");
  EXPECT_EQ(errorOf(handMade(T, {}, std::vector<VersionRecord>{{"a", 2}}, Meta)),
            "m.o: __versions holds 0 records, expected 1 (every name that fits)");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}}, std::nullopt,
                             std::string(MetaHead) + "symbols\t2\na\tc\t\tvmlinux\t0\n")),
            "m.o: .modver.db line 8: symbols count 2 exceeds the section");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}}, std::nullopt,
                             std::string(MetaHead) +
                                 "symbols\t2\nb\tc\t\tvmlinux\t0\na\tc\t\tvmlinux\t0\n")),
            "m.o: .modver.db line 10: symbol 'a' is out of order or repeated");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}}, std::nullopt, "garbage")),
            "m.o: .modver.db is not modver metadata");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 1}}, std::nullopt, Meta)), "<accepted>");
}

// Format version 1 as modver wrote it before the missing-ns-imports line existed, and as it
// wrote it once the line was added (still numbered 1): both read. Version 2 needs the line.
TEST(ModversionsObject, ReadsBothLayoutsOfFormatVersion1) {
  ElfTarget T = x86_64();
  std::string Tail = "sources\t1\nModule.symvers\nsymbols\t1\na\tgc\tNS\tvmlinux\t0\n";
  std::string Head = "release\t6.1.0-9-amd64\nvermagic\t\nforce-load\tno\n";
  auto Read = [&](std::string Meta) {
    return readModversionsObject("m.o", handMade(T, {{"a", 7}}, std::nullopt, Meta));
  };
  auto Old = Read("modver-db\t1\n" + Head + Tail);
  ASSERT_TRUE(bool(Old)) << llvm::toString(Old.takeError());
  EXPECT_EQ(Old->kernel().Release, "6.1.0-9-amd64");
  EXPECT_EQ(Old->kernel().ForceLoad, false);
  EXPECT_EQ(Old->kernel().AllowMissingNamespaceImports, std::nullopt);
  ASSERT_NE(Old->find("a"), nullptr);
  EXPECT_EQ(Old->find("a")->Crc, 7u);
  EXPECT_TRUE(Old->find("a")->GplOnly);
  EXPECT_EQ(Old->find("a")->Namespace, "NS");

  auto Later = Read("modver-db\t1\n" + Head + "missing-ns-imports\tyes\n" + Tail);
  ASSERT_TRUE(bool(Later)) << llvm::toString(Later.takeError());
  EXPECT_EQ(Later->kernel().AllowMissingNamespaceImports, true);

  auto V2 = Read("modver-db\t2\n" + Head + "missing-ns-imports\tno\n" + Tail);
  ASSERT_TRUE(bool(V2)) << llvm::toString(V2.takeError());
  EXPECT_EQ(V2->kernel().AllowMissingNamespaceImports, false);
  EXPECT_EQ(errorOf(handMade(T, {{"a", 7}}, std::nullopt, "modver-db\t2\n" + Head + Tail)),
            "m.o: .modver.db line 5: expected 'missing-ns-imports'");
}

TEST(ModversionsObject, WritesFormatVersion2) {
  SymbolDb Db = sampleDb(x86_64());
  Db.kernel().AllowMissingNamespaceImports = true;
  auto Obj = writeModversionsObject(Db);
  ASSERT_TRUE(bool(Obj));
  EXPECT_NE(Obj->find("modver-db\t2\n"), std::string::npos);
  EXPECT_NE(Obj->find("\nmissing-ns-imports\tyes\n"), std::string::npos);
  EXPECT_EQ(Obj->find("modver-db\t1\n"), std::string::npos);
}

TEST(ModversionsObject, ThirtyThousandSymbols) {
  SymbolDb Db;
  Db.kernel().Release = "6.1.0-56-amd64";
  Db.kernel().Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
  Db.kernel().Target = x86_64();
  for (unsigned I = 0; I < 30000; ++I) {
    Export E = exp("synthetic_symbol_" + std::to_string(I * 2654435761u), I * 0x9e3779b9u,
                   I % 3 == 0, I % 50 == 0 ? "NS" : "",
                   I % 7 == 0 ? "vmlinux" : "drivers/foo/mod" + std::to_string(I % 400));
    if (I % 1000 == 0)
      E.Name += std::string(60, 'L'); // a few long names: the extended pair too
    ASSERT_FALSE(bool(Db.add(std::move(E))));
  }
  // Thread CPU time as well as wall time: the machine may be busy with other builds.
  auto Cpu = [] {
    timespec Ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &Ts);
    return Ts.tv_sec * 1e3 + Ts.tv_nsec / 1e6;
  };
  double Cpu0 = Cpu();
  auto Start = std::chrono::steady_clock::now();
  auto Obj = writeModversionsObject(Db);
  auto Mid = std::chrono::steady_clock::now();
  double Cpu1 = Cpu();
  ASSERT_TRUE(bool(Obj));
  auto Back = readModversionsObject("m.o", *Obj);
  auto End = std::chrono::steady_clock::now();
  double Cpu2 = Cpu();
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  EXPECT_EQ(Back->size(), 30000u);
  double WriteMs = std::chrono::duration<double, std::milli>(Mid - Start).count();
  double ReadMs = std::chrono::duration<double, std::milli>(End - Mid).count();
  RecordProperty("WriteMs", std::to_string(WriteMs));
  RecordProperty("ReadMs", std::to_string(ReadMs));
  std::printf("30000 symbols: write %.2f ms (cpu %.2f), read %.2f ms (cpu %.2f), object %zu "
              "bytes\n",
              WriteMs, Cpu1 - Cpu0, ReadMs, Cpu2 - Cpu1, Obj->size());
}

// The kernel facts that decide the tables mkmod writes travel in modversions.o, so that
// --modversions X.o plans as --kernel <image> does.
TEST(ModversionsObject, KeepsModversionsConfigurationAndKflagstab) {
  SymbolDb Db = sampleDb(x86_64());
  Db.kernel().Modversions = true;
  Db.kernel().BasicModversions = false;
  Db.kernel().ExtendedModversions = true;
  Db.kernel().ModuleSigForce = true;
  Db.kernel().ModuleSig = true;
  Db.kernel().HasKflagstab = true;
  auto Obj = writeModversionsObject(Db);
  ASSERT_TRUE(bool(Obj)) << llvm::toString(Obj.takeError());
  EXPECT_NE(Obj->find("modver-db\t2\n"), std::string::npos);
  EXPECT_NE(Obj->find("\nmodversions\tyes\nbasic-modversions\tno\nextended-modversions\tyes\n"
                      "module-sig-force\tyes\nmodule-sig\tyes\nkflagstab\tyes\nsources\t"),
            std::string::npos);
  auto Back = readModversionsObject("modversions.o", *Obj);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  EXPECT_EQ(Back->kernel().Modversions, true);
  EXPECT_EQ(Back->kernel().BasicModversions, false);
  EXPECT_EQ(Back->kernel().ExtendedModversions, true);
  EXPECT_EQ(Back->kernel().ModuleSigForce, true);
  EXPECT_EQ(Back->kernel().ModuleSig, true);
  EXPECT_TRUE(Back->kernel().HasKflagstab);
  auto Again = writeModversionsObject(*Back);
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(*Obj, *Again);

  // Only what is known is written; a file without the lines reads as unknown.
  Db.kernel().BasicModversions.reset();
  Db.kernel().HasKflagstab = false;
  auto Partial = writeModversionsObject(Db);
  ASSERT_TRUE(bool(Partial));
  EXPECT_EQ(Partial->find("basic-modversions"), std::string::npos);
  EXPECT_EQ(Partial->find("kflagstab"), std::string::npos);
  auto PartialBack = readModversionsObject("modversions.o", *Partial);
  ASSERT_TRUE(bool(PartialBack)) << llvm::toString(PartialBack.takeError());
  EXPECT_EQ(PartialBack->kernel().BasicModversions, std::nullopt);
  EXPECT_EQ(PartialBack->kernel().ExtendedModversions, true);
  EXPECT_FALSE(PartialBack->kernel().HasKflagstab);
}

TEST(ModversionsObject, OlderFilesReadWithoutConfigurationAndBadValuesAreErrors) {
  ElfTarget T = x86_64();
  std::string Head =
      "modver-db\t2\nrelease\t\nvermagic\t\nforce-load\tno\nmissing-ns-imports\tno\n";
  std::string Tail = "sources\t1\nModule.symvers\nsymbols\t1\na\tc\t\tvmlinux\t0\n";
  auto Old = readModversionsObject("m.o", handMade(T, {{"a", 7}}, std::nullopt, Head + Tail));
  ASSERT_TRUE(bool(Old)) << llvm::toString(Old.takeError());
  EXPECT_EQ(Old->kernel().Modversions, std::nullopt);
  EXPECT_EQ(Old->kernel().ExtendedModversions, std::nullopt);
  EXPECT_FALSE(Old->kernel().HasKflagstab);
  EXPECT_EQ(
      errorOf(handMade(T, {{"a", 7}}, std::nullopt, Head + "extended-modversions\tmaybe\n" + Tail)),
      "m.o: .modver.db line 6: bad extended-modversions 'maybe'");
  EXPECT_EQ(errorOf(handMade(T, {{"a", 7}}, std::nullopt, Head + "kflagstab\tsure\n" + Tail)),
            "m.o: .modver.db line 6: bad kflagstab 'sure'");
  // Out of order is not read as the option: the line is then where 'sources' belongs.
  EXPECT_EQ(errorOf(handMade(T, {{"a", 7}}, std::nullopt,
                             Head + "kflagstab\tyes\nmodversions\tyes\n" + Tail)),
            "m.o: .modver.db line 7: expected 'sources'");
}
