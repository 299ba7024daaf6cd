// An interrupted batch leaves nothing behind (issue 14's acceptance, issue 16 class 5): mkmod
// -O over many modules gets SIGINT or SIGTERM in the middle of the batch; afterwards there is
// no temporary file beside the outputs, none in the child's private $TMPDIR, and every output
// that is there is complete (byte for byte what a whole run writes for that input).
//
// The inputs alternate between plain .ko and .ko.xz, so that every kind of temporary is in
// use when the signal comes: the staging copies of decompressed inputs and versions objects in
// $TMPDIR, the linked module before compression, and the linker's temporary beside an output.
#include "BadInputSupport.h"
#include "ChildSupport.h"
#include "Fixture.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace modver::test;

namespace {

const char *ModuleSource = R"(
extern int printk(const char *, ...);
extern void kfree(const void *);
int seed_a(int x) { printk("%d", x); kfree(0); return x; }
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo[] =
    "license=GPL\0name=signal\0";
struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };
__attribute__((used, section("__versions"))) static const struct modversion_info v[] = {
  { 0x11111111, "module_layout" }, { 0x22222222, "printk" }, { 0x33333333, "kfree" } };
__attribute__((used, section(".gnu.linkonce.this_module"))) static char this_module[64];
)";

constexpr const char *Symvers = "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                                "0x22222222\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
                                "0x33333333\tkfree\tvmlinux\tEXPORT_SYMBOL\t\n";

// Enough modules that the batch is still running when the first outputs appear.
constexpr int Modules = 1200;

struct Batch {
  TempDir Dir;
  std::string SymversPath, InDir, OutDir, Tmpdir;
  std::string PlainRef, XzRef; // what a whole run writes for each kind of input

  Batch() {
    std::string Object = compile(Dir, "module.c", ModuleSource);
    CommandResult Xz = run({"xz", "-k", "-f", Object});
    EXPECT_EQ(Xz.ExitCode, 0) << Xz.Stderr;
    std::string ObjectXz = Object + ".xz";
    SymversPath = Dir.write("Module.symvers", Symvers);
    InDir = Dir.file("in");
    OutDir = Dir.file("out");
    Tmpdir = Dir.file("tmp");
    for (const std::string &D : {InDir, OutDir, Tmpdir})
      llvm::sys::fs::create_directory(D);
    for (int I = 0; I < Modules; ++I) {
      std::string Name = InDir + "/m" + llvm::utostr(10000 + I) + (I % 2 ? ".ko.xz" : ".ko");
      EXPECT_FALSE(llvm::sys::fs::copy_file(I % 2 ? ObjectXz : Object, Name));
    }
    PlainRef = reference(Object, "ref.ko");
    XzRef = reference(ObjectXz, "ref.ko.xz");
  }

  std::string reference(const std::string &Input, const std::string &Name) {
    std::string Out = Dir.file(Name);
    CommandResult R = run({toolPath("mkmod"), "-q", "-s", SymversPath, Input, "-o", Out});
    EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
    return readWhole(Out);
  }
};

size_t countOutputs(const std::string &Dir) {
  size_t N = 0;
  for (const std::string &Name : listFolder(Dir))
    N += Name[0] == 'm';
  return N;
}

class Interrupted : public ::testing::TestWithParam<int> {};

TEST_P(Interrupted, MkmodBatchLeavesNoTemporaryAndNoHalfOutput) {
  int Sig = GetParam();
  Batch B;
  if (HasFailure())
    return;
  ChildSetup S;
  S.Tmpdir = B.Tmpdir;
  S.OutPath = B.Dir.file("child.stdout");
  S.ErrPath = B.Dir.file("child.stderr");
  pid_t Pid = startChild(
      {toolPath("mkmod"), "-q", "-j", "2", "-s", B.SymversPath, "-O", B.OutDir, B.InDir}, S);
  ASSERT_GT(Pid, 0);

  // Wait for the batch to be well under way, then interrupt it.
  auto T0 = Clock::now();
  while (countOutputs(B.OutDir) < 70 && secondsSince(T0) < 300) {
    std::optional<ChildEnd> Early = childEnded(Pid);
    ASSERT_FALSE(Early) << "mkmod ended before the signal: exit code " << Early->ExitCode
                        << ", signal " << Early->Signal << ": " << readWhole(S.ErrPath);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(::kill(Pid, Sig), 0);
  ChildEnd End = waitChild(Pid);

  EXPECT_EQ(End.Signal, Sig) << "exit code " << End.ExitCode << ": " << readWhole(S.ErrPath);
  std::vector<std::string> Outputs = listFolder(B.OutDir);
  EXPECT_LT(Outputs.size(), size_t(Modules)) << "the batch ended before the signal";
  EXPECT_GE(Outputs.size(), 70u);
  for (const std::string &Name : Outputs) {
    ASSERT_TRUE(Name[0] == 'm' && (llvm::StringRef(Name).ends_with(".ko") ||
                                   llvm::StringRef(Name).ends_with(".ko.xz")))
        << "left beside the outputs: " << Name;
    std::string Bytes = readWhole(B.OutDir + "/" + Name);
    EXPECT_TRUE(Bytes == (llvm::StringRef(Name).ends_with(".xz") ? B.XzRef : B.PlainRef))
        << Name << " is not a complete output (" << Bytes.size() << " bytes)";
  }
  EXPECT_EQ(listFolder(B.Tmpdir), std::vector<std::string>{}) << "left in $TMPDIR";
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupted, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto &Info) {
                           return std::string(Info.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

} // namespace
