// The one atomic output (Support/OutputFile.h) and the tools' standard output: the rules every
// writer keeps. A new output gets 0666 minus the umask, --in-place keeps a file's mode, a
// 250-character output name works, a failed write leaves nothing, and a full or closed
// standard output is one line and exit 2 (issue 16 classes 5 and 7).
#include "Support/OutputFile.h"

#include "BadInputSupport.h"
#include "ChildSupport.h"
#include "Fixture.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *ModuleSource = R"(
extern int printk(const char *, ...);
int seed_a(int x) { printk("%d", x); return x; }
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo[] =
    "license=GPL\0name=outputs\0";
struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };
__attribute__((used, section("__versions"))) static const struct modversion_info v[] = {
  { 0x11111111, "module_layout" }, { 0x22222222, "printk" } };
__attribute__((used, section(".gnu.linkonce.this_module"))) static char this_module[64];
)";

struct Env {
  TempDir Dir;
  std::string Object, Symvers, OutDir;
  Env() {
    Object = compile(Dir, "module.c", ModuleSource);
    Symvers = Dir.write("Module.symvers", "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                                          "0x22222222\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
    OutDir = Dir.file("out");
    llvm::sys::fs::create_directory(OutDir);
  }
  // Run Argv with the given standard output and umask; standard error is returned.
  std::pair<ChildEnd, std::string> run(const std::vector<std::string> &Argv,
                                       ChildSetup S = {}) const {
    if (S.OutPath.empty())
      S.OutPath = Dir.file("child.stdout");
    S.ErrPath = Dir.file("child.stderr");
    ChildEnd E = waitChild(startChild(Argv, S));
    return {E, readWhole(S.ErrPath)};
  }
};

mode_t modeOf(const std::string &Path) {
  struct stat St;
  EXPECT_EQ(::stat(Path.c_str(), &St), 0) << Path;
  return St.st_mode & 07777;
}

TEST(OutputFile, NewOutputsGetTheUmaskOfTheWriter) {
  Env E;
  ChildSetup S;
  S.Umask = 027;
  std::string Db = E.OutDir + "/db.o", Ko = E.OutDir + "/m.ko", KoLd = E.OutDir + "/ld.ko",
              Xz = E.OutDir + "/m.ko.xz";
  auto R =
      E.run({toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Db}, S);
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  R = E.run({toolPath("mkmod"), "-q", "-s", E.Symvers, E.Object, "-o", Ko}, S);
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  R = E.run({toolPath("mkmod"), "-q", "--linker", "ld", "-s", E.Symvers, E.Object, "-o", KoLd}, S);
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  R = E.run({toolPath("mkmod"), "-q", "-s", E.Symvers, E.Object, "-o", Xz}, S);
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  for (const std::string &P : {Db, Ko, KoLd, Xz})
    EXPECT_EQ(modeOf(P), 0640u) << P;
  EXPECT_EQ(listFolder(E.OutDir), (std::vector<std::string>{"db.o", "ld.ko", "m.ko", "m.ko.xz"}));
}

TEST(OutputFile, InPlaceKeepsTheFilesMode) {
  Env E;
  for (mode_t Mode : {0444, 0640, 0755}) {
    std::string Ko = E.OutDir + "/m" + std::to_string(Mode) + ".ko";
    ASSERT_FALSE(llvm::sys::fs::copy_file(E.Object, Ko));
    ASSERT_EQ(::chmod(Ko.c_str(), Mode), 0);
    auto R = E.run({toolPath("mkmod"), "-q", "-s", E.Symvers, "--in-place", Ko});
    EXPECT_EQ(R.first.ExitCode, 0) << R.second;
    EXPECT_NE(readWhole(Ko), readWhole(E.Object)) << "not rewritten";
    EXPECT_EQ(modeOf(Ko), Mode) << Ko;
    // The external linker's output takes the same way.
    R = E.run({toolPath("mkmod"), "-q", "--linker", "ld", "-s", E.Symvers, "--in-place", Ko});
    EXPECT_EQ(R.first.ExitCode, 0) << R.second;
    EXPECT_EQ(modeOf(Ko), Mode) << Ko;
  }
}

TEST(OutputFile, LongestOutputNameWorks) {
  Env E;
  std::string Name(246, 'n');
  std::string Db = E.OutDir + "/" + Name + ".o", Ko = E.OutDir + "/" + Name + ".ko";
  ASSERT_EQ(Name.size() + 4, 250u);
  auto R = E.run({toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Db});
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  R = E.run({toolPath("mkmod"), "-q", "-s", E.Symvers, E.Object, "-o", Ko});
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  R = E.run({toolPath("mkmod"), "-q", "--linker", "ld", "-s", E.Symvers, E.Object, "-o", Ko});
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  EXPECT_EQ(listFolder(E.OutDir), (std::vector<std::string>{Name + ".ko", Name + ".o"}));
}

TEST(OutputFile, FailedFillLeavesTheOutputAndNoTemporary) {
  TempDir Dir;
  std::string Out = Dir.write("out", "old");
  llvm::Error E = writeFileAtomically(Out, [](llvm::raw_ostream &OS) {
    OS << "half";
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "stopped");
  });
  EXPECT_EQ(llvm::toString(std::move(E)), "stopped");
  EXPECT_EQ(readWhole(Out), "old");
  EXPECT_EQ(listFolder(Dir.path()), std::vector<std::string>{"out"});
  // Dropped without commit(): the temporary goes too.
  {
    auto F = OutputFile::create(Out);
    ASSERT_TRUE(bool(F)) << llvm::toString(F.takeError());
    EXPECT_EQ(listFolder(Dir.path()).size(), 2u);
  }
  EXPECT_EQ(listFolder(Dir.path()), std::vector<std::string>{"out"});
}

bool isSymlink(const std::string &Path) {
  struct stat St;
  return ::lstat(Path.c_str(), &St) == 0 && S_ISLNK(St.st_mode);
}

// An output that is a symbolic link is written through it, as cp and a shell redirection do:
// the link stays, its target gets the content atomically (renamed beside the target).
TEST(OutputFile, SymlinkedOutputIsWrittenThrough) {
  TempDir Dir;
  ASSERT_FALSE(llvm::sys::fs::create_directory(Dir.file("store")));
  std::string Target = Dir.write("store/real.ko", "old");
  std::string Link = Dir.file("link.ko"), Chain = Dir.file("chain.ko");
  ASSERT_FALSE(llvm::sys::fs::create_link("store/real.ko", Link));
  ASSERT_FALSE(llvm::sys::fs::create_link("link.ko", Chain));
  ASSERT_FALSE(bool(writeFileAtomically(Link, "new")));
  EXPECT_TRUE(isSymlink(Link));
  EXPECT_EQ(readWhole(Target), "new");
  ASSERT_FALSE(bool(writeFileAtomically(Chain, "newer")));
  EXPECT_TRUE(isSymlink(Chain));
  EXPECT_TRUE(isSymlink(Link));
  EXPECT_EQ(readWhole(Target), "newer");
  EXPECT_EQ(listFolder(Dir.file("store")), std::vector<std::string>{"real.ko"});
  // A dangling link gets its target created.
  std::string Dangling = Dir.file("dangling.ko");
  ASSERT_FALSE(llvm::sys::fs::create_link("store/new.ko", Dangling));
  ASSERT_FALSE(bool(writeFileAtomically(Dangling, "made")));
  EXPECT_TRUE(isSymlink(Dangling));
  EXPECT_EQ(readWhole(Dir.file("store/new.ko")), "made");
}

// /dev/stdout is a link to /proc/self/fd/1: with standard output redirected to a regular file,
// renaming over the path replaced /dev/stdout itself with a regular file (as root). A path
// that leads into /proc or /dev is written directly, whatever file it opens.
TEST(OutputFile, ProcFdLinkIsWrittenNotReplaced) {
  TempDir Dir;
  std::string File = Dir.write("redirected", "");
  int FD = ::open(File.c_str(), O_WRONLY);
  ASSERT_GE(FD, 0);
  std::string Link = Dir.file("stdout-like");
  ASSERT_FALSE(llvm::sys::fs::create_link("/proc/self/fd/" + std::to_string(FD), Link));
  llvm::Error E = writeFileAtomically(Link, "through the descriptor");
  ::close(FD);
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_TRUE(isSymlink(Link));
  EXPECT_EQ(readWhole(File), "through the descriptor");
  EXPECT_EQ(listFolder(Dir.path()), (std::vector<std::string>{"redirected", "stdout-like"}));
}

TEST(StandardOutput, FullIsOneLineAndExit2) {
  Env E;
  ChildSetup S;
  S.Stdout = ChildSetup::DevFull;
  auto R = E.run({toolPath("modversions"), "--dump", E.Symvers}, S);
  EXPECT_EQ(R.first.Signal, 0);
  EXPECT_EQ(R.first.ExitCode, 2);
  EXPECT_EQ(R.second, "modversions: error: standard output: No space left on device\n");
  R = E.run({toolPath("modcheck"), "--json", "-s", E.Symvers, E.Object}, S);
  EXPECT_EQ(R.first.ExitCode, 2);
  EXPECT_EQ(R.second, "modcheck: error: standard output: No space left on device\n");
}

TEST(StandardOutput, ClosedIsOneLineAndExit2) {
  Env E;
  ChildSetup S;
  S.Stdout = ChildSetup::Closed;
  auto R = E.run({toolPath("modcheck"), "--json", "-s", E.Symvers, E.Object}, S);
  EXPECT_EQ(R.first.Signal, 0);
  EXPECT_EQ(R.first.ExitCode, 2);
  EXPECT_EQ(R.second, "modcheck: error: standard output: Bad file descriptor\n");
  // An output file opened while standard output is closed must not become standard output.
  std::string Db = E.OutDir + "/db.o";
  R = E.run({toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Db}, S);
  EXPECT_EQ(R.first.ExitCode, 0) << R.second;
  ChildSetup ToFile;
  auto Dump = E.run({toolPath("modversions"), "--dump", Db}, ToFile);
  EXPECT_EQ(Dump.first.ExitCode, 0) << Dump.second;
}

} // namespace
