// Decompression and size bombs (issue 16 class 2), through the real tools: each is refused
// with one line naming the file and the limit, quickly, within bounded memory, and -j 2 does
// not double the peak. Bombs are made here at run time from small pieces (concatenated gzip
// members and zstd frames of 1 MiB of zeros), so nothing large is written or committed.
#include "BadInputSupport.h"
#include "Fixture.h"

#include "Compression/Decompress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace modver;
using namespace modver::test;

namespace {

const char *ModuleSource = R"(
extern int printk(const char *, ...);
int seed_a(int x) { printk("%d", x); return x; }
int table[16] = {1, 2, 3};
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo[] =
    "license=GPL\0name=bomb\0";
__attribute__((used, section(".gnu.linkonce.this_module"))) static char this_module[64];
)";

constexpr uint64_t MiB = uint64_t(1) << 20;
// Decoded bytes past the module limit: the bombs are "just above" it.
constexpr uint64_t BombSize = MaxModuleSize + MiB;
// What a refused bomb may cost a tool: the limit, the budget's other slots, the tool itself.
constexpr long RssBoundKiB = long((MaxModuleSize + 160 * MiB) / 1024);

// N copies of one compressed 1 MiB of zeros: decoders read concatenated members and frames.
std::string bomb(Compression C, uint64_t Bytes) {
  auto One = compress("zeros", std::string(MiB, '\0'), C);
  EXPECT_TRUE(bool(One));
  if (!One)
    return {};
  std::string Out;
  for (uint64_t I = 0; I < Bytes / MiB; ++I)
    Out += *One;
  return Out;
}

struct Env {
  TempDir Dir;
  std::string Object, Symvers, OutDir;
  Env() {
    Object = compile(Dir, "module.c", ModuleSource);
    Symvers = Dir.write("kernel.symvers", "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                                          "0x22222222\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
    OutDir = Dir.file("out");
    llvm::sys::fs::create_directory(OutDir);
  }
  std::vector<std::string> mkmod(std::vector<std::string> Inputs, const char *Jobs = "1") {
    std::vector<std::string> A = {toolPath("mkmod"), "-q", "-j", Jobs, "-s", Symvers, "-O", OutDir};
    A.insert(A.end(), Inputs.begin(), Inputs.end());
    return A;
  }
};

// Run Argv; it must fail with exit 2 and one line (per input) naming File and saying Word, within
// Seconds, leaving nothing in the output folder.
ChildResult expectRefused(Env &E, const std::vector<std::string> &Argv, const std::string &File,
                          const std::string &Word, double Seconds = 30, long Lines = 1) {
  TempDir Scratch;
  ChildLimits L;
  L.WallSeconds = 120;
  L.FileSize = 64 * MiB; // a bomb that got through must not fill the disk
  auto Start = std::chrono::steady_clock::now();
  ChildResult R = runLimited(Scratch, Argv, L);
  double Took = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  std::printf("[ bomb     ] %.2f s, max RSS %ld MiB: %s", Took, R.MaxRssKiB / 1024,
              R.Stderr.c_str());
  EXPECT_EQ(R.Signal, 0) << R.Stderr;
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_EQ(std::count(R.Stderr.begin(), R.Stderr.end(), '\n'), Lines) << R.Stderr;
  EXPECT_NE(R.Stderr.find(File), std::string::npos) << R.Stderr;
  EXPECT_NE(R.Stderr.find(Word), std::string::npos) << R.Stderr;
  EXPECT_LT(Took, Seconds);
  EXPECT_EQ(listFolder(E.OutDir), std::vector<std::string>{});
  return R;
}

const std::string ModuleLimit = "limit of " + std::to_string(MaxModuleSize) + " bytes";

class CompressedBomb : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressedBomb, RefusedQuicklyWithinTheLimit) {
  Env E;
  std::string Bomb = E.Dir.file("bomb.ko");
  if (GetParam() == Compression::Xz) {
    // xz readers (kmod, modver) take one stream, so this bomb is one: xz -0 makes it in
    // seconds.
    std::string Cmd =
        "head -c " + std::to_string(BombSize) + " /dev/zero | xz -0 -T1 -c > '" + Bomb + "'";
    if (std::system(Cmd.c_str()) != 0)
      GTEST_SKIP() << "no xz: " << Cmd;
  } else {
    E.Dir.write("bomb.ko", bomb(GetParam(), BombSize));
  }
  ChildResult R = expectRefused(E, E.mkmod({Bomb}), Bomb, ModuleLimit);
  EXPECT_LT(R.MaxRssKiB, RssBoundKiB);
}

INSTANTIATE_TEST_SUITE_P(Formats, CompressedBomb,
                         ::testing::Values(Compression::Gzip, Compression::Zstd, Compression::Xz),
                         [](const auto &I) { return compressionName(I.param).str(); });

// Two bombs prepared side by side share one budget: the peak is not doubled.
TEST(Bomb, TwoJobsShareOneBudget) {
  Env E;
  std::string Bytes = bomb(Compression::Zstd, BombSize);
  std::string A = E.Dir.write("a.ko", Bytes), B = E.Dir.write("b.ko", Bytes);
  ChildResult One = expectRefused(E, E.mkmod({A}, "1"), A, ModuleLimit);
  ChildResult Two = expectRefused(E, E.mkmod({A, B}, "2"), B, ModuleLimit, 30, 2);
  EXPECT_LT(Two.MaxRssKiB, RssBoundKiB);
  EXPECT_LT(Two.MaxRssKiB, One.MaxRssKiB + long(64 * MiB / 1024))
      << "-j 1: " << One.MaxRssKiB << " KiB, -j 2: " << Two.MaxRssKiB << " KiB";
}

// A plain file larger than a module can be is refused before a byte is read (4 GiB, sparse).
TEST(Bomb, HugePlainModuleRefusedBeforeReading) {
  Env E;
  std::string Huge = E.Dir.file("huge.ko");
  {
    std::ofstream(Huge) << readWhole(E.Object);
  }
  ASSERT_EQ(::truncate(Huge.c_str(), off_t(4) << 30), 0);
  ChildResult R = expectRefused(E, E.mkmod({Huge}), Huge, ModuleLimit, 10);
  EXPECT_LT(R.MaxRssKiB, long(128 * MiB / 1024));
}

// A section marked SHF_COMPRESSED whose header claims 1 TiB: refused before LLD links it.
TEST(Bomb, LyingCompressedSectionRefusedBeforeLinking) {
  Env E;
  Elf64Patch P{readWhole(E.Object)};
  unsigned Data = P.section(".data");
  ASSERT_GE(P.secSize(Data), 24u);
  size_t Shdr = P.shdr(Data);
  P.put<uint64_t>(Shdr + 8, P.get<uint64_t>(Shdr + 8) | 0x800); // sh_flags |= SHF_COMPRESSED
  size_t Chdr = P.secOffset(Data);
  P.put<uint32_t>(Chdr, 1);                     // ch_type: ELFCOMPRESS_ZLIB
  P.put<uint32_t>(Chdr + 4, 0);                 // ch_reserved
  P.put<uint64_t>(Chdr + 8, uint64_t(1) << 40); // ch_size: 1 TiB
  P.put<uint64_t>(Chdr + 16, 1);                // ch_addralign
  std::string Bad = E.Dir.write("liar.ko", P.Bytes);
  expectRefused(E, E.mkmod({Bad}), Bad, "claims 1099511627776 bytes", 10);
}

// A vmlinuz of junk and 64 bombs: the scan stops at the first and says why, quickly.
TEST(Bomb, KernelImageScanStopsAtTheFirstBomb) {
  Env E;
  std::string One = bomb(Compression::Zstd, MaxKernelSize + MiB);
  std::string Image = "junkjunk";
  for (int I = 0; I < 64; ++I)
    Image += One;
  std::string Vmlinuz = E.Dir.write("vmlinuz", Image);
  ChildResult R = expectRefused(E, {toolPath("modversions"), "--dump", Vmlinuz}, Vmlinuz,
                                "larger than any kernel");
  EXPECT_NE(R.Stderr.find("offset 8"), std::string::npos) << R.Stderr;
  EXPECT_LT(R.MaxRssKiB, long((MaxKernelSize + 160 * MiB) / 1024));
}

} // namespace
