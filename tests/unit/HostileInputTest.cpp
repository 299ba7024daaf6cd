// Hostile inputs that must give the right answer rather than fail (issue 16): odd but valid
// Module.symvers, modules of another target, echoed values, command-line errors, the
// conventions every tool shares. The failures (exit 2, one line) are in BadInputTest.
#include "BadInputSupport.h"
#include "Check/Check.h"
#include "Database/Symvers.h"
#include "Elf/ElfTarget.h"
#include "Fixture.h"
#include "Support/InputFile.h"
#include "Support/Printable.h"
#include "Support/TempFile.h"
#include "Types/HeaderTypes.h"
#include "Versioning/VersionRecords.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <unistd.h>

using namespace modver;
using namespace modver::test;

namespace {

const char *ModuleSource = R"(
extern int printk(const char *, ...);
int seed_a(int x) { printk("%d", x); return x; }
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo[] =
    "license=GPL\0name=hostile\0vermagic=6.1.0-56-amd64 SMP mod_unload modversions \0";
struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };
__attribute__((used, section("__versions"))) static const struct modversion_info v[] = {
  { 0x11111111, "module_layout" }, { 0x22222222, "printk" } };
__attribute__((used, section(".gnu.linkonce.this_module"))) static char this_module[64];
)";

const char *SymversText = "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                          "0x22222222\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n";

std::string withCrlf(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text)
    Out += C == '\n' ? std::string("\r\n") : std::string(1, C);
  return Out;
}

size_t lines(const std::string &S) { return std::count(S.begin(), S.end(), '\n'); }

struct Kernel {
  TempDir Dir;
  std::string Module = compile(Dir, "hostile.c", ModuleSource);
  std::string Symvers = Dir.write("Module.symvers", SymversText);
  // modversions.o of that kernel: the database that knows the ELF target.
  std::string Db() {
    std::string Out = Dir.file("modversions.o");
    CommandResult R =
        run({toolPath("modversions"), "-s", Symvers, "--target-from", Module, "-o", Out});
    EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
    return Out;
  }
  std::string patchedModule(const std::string &Name, size_t Offset, llvm::StringRef Bytes) {
    std::string B = readWhole(Module);
    B.replace(Offset, Bytes.size(), Bytes.str());
    return Dir.write(Name, B);
  }
};

// --- class 1: special files are refused by the one reader, without blocking

TEST(HostileSpecialFiles, FifoHeaderIsRefusedNotWaitedFor) {
  TempDir Dir;
  Dir.write("a.h", "struct a { int x; };\n");
  std::string Fifo = Dir.file("b.h");
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  HeaderTypes H;
  llvm::Error E = H.scanDir(Dir.path());
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(llvm::toString(std::move(E)), Fifo + ": is a FIFO, not a regular file");
}

TEST(HostileSpecialFiles, ReadInputFileTakesOnlyRegularFiles) {
  TempDir Dir;
  auto Good = readInputFile(Dir.write("f", "bytes"));
  ASSERT_TRUE(bool(Good)) << llvm::toString(Good.takeError());
  EXPECT_EQ((*Good)->getBuffer(), "bytes");
  for (const char *Special : {"/dev/zero", "/dev/null", "/dev/urandom"}) {
    auto B = readInputFile(Special);
    ASSERT_FALSE(bool(B)) << Special;
    EXPECT_EQ(llvm::toString(B.takeError()),
              std::string(Special) + ": is a character device, not a regular file");
  }
  auto D = readInputFile(Dir.path());
  ASSERT_FALSE(bool(D));
  EXPECT_EQ(llvm::toString(D.takeError()), Dir.path() + ": is a directory, expected a file");
}

// Standard input is bounded while it is read: a writer that would go on for 64 MiB is cut
// off once the reader has taken a little more than the limit. Before, the whole of it was read
// and only then held against the limit (and `< /dev/zero` grew until memory ran out).
TEST(HostileSpecialFiles, StdinStopsBeingReadPastTheLimit) {
  constexpr uint64_t Limit = 1 << 20;
  constexpr size_t Offered = size_t(64) << 20;
  int P[2];
  ASSERT_EQ(::pipe(P), 0);
  std::atomic<size_t> Written{0};
  std::thread Writer([&] {
    std::string Chunk(64 << 10, 'x');
    // MSG_NOSIGNAL is for sockets; a pipe's reader going away is EPIPE with SIGPIPE ignored.
    while (Written < Offered) {
      ssize_t N = ::write(P[1], Chunk.data(), Chunk.size());
      if (N <= 0)
        break;
      Written += size_t(N);
    }
    ::close(P[1]);
  });
  auto OldPipe = ::signal(SIGPIPE, SIG_IGN);
  int Saved = ::dup(0);
  ::dup2(P[0], 0);
  ::close(P[0]);
  auto Buf = readInputFile("-", Limit);
  ::dup2(Saved, 0); // the read end's last descriptor goes: the writer gets EPIPE
  ::close(Saved);
  Writer.join();
  ::signal(SIGPIPE, OldPipe);
  ASSERT_FALSE(bool(Buf));
  EXPECT_EQ(llvm::toString(Buf.takeError()),
            "<stdin>: more than the limit of 1048576 bytes for such an input (standard input is "
            "held in memory; give a large input as a file)");
  // What the reader took, plus what the pipe holds: far from all of it.
  EXPECT_LT(Written.load(), size_t(4) << 20);
}

TEST(HostileSpecialFiles, StdinWithinTheLimitIsReadWhole) {
  int P[2];
  ASSERT_EQ(::pipe(P), 0);
  std::string Text(5000, 'y');
  ASSERT_EQ(::write(P[1], Text.data(), Text.size()), ssize_t(Text.size()));
  ::close(P[1]);
  int Saved = ::dup(0);
  ::dup2(P[0], 0);
  ::close(P[0]);
  auto Exact = readInputFile("-", Text.size());
  ::dup2(Saved, 0);
  ::close(Saved);
  ASSERT_TRUE(bool(Exact)) << llvm::toString(Exact.takeError());
  EXPECT_EQ((*Exact)->getBuffer(), Text);
}

// A $TMPDIR that is gone: the message says which folder, and that it came from $TMPDIR
// (before: "cannot create a temporary file: No such file or directory", naming nothing).
TEST(HostileSpecialFiles, TemporaryFolderThatIsGoneIsNamed) {
  const char *Old = ::getenv("TMPDIR");
  std::string Saved = Old ? Old : "";
  ::setenv("TMPDIR", "/nonexistent-modver-tmp", 1);
  auto T = TempFile::create("test", "o", "x");
  if (Old)
    ::setenv("TMPDIR", Saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  ASSERT_FALSE(bool(T));
  std::string Msg = llvm::toString(T.takeError());
  EXPECT_NE(Msg.find("in '/nonexistent-modver-tmp' ($TMPDIR): "), std::string::npos) << Msg;
}

// An empty argument: the message shows it as '' rather than starting with ": ".
TEST(HostileSpecialFiles, EmptyFileNameIsShownQuoted) {
  auto B = readInputFile("");
  ASSERT_FALSE(bool(B));
  EXPECT_EQ(llvm::toString(B.takeError()), "'': No such file or directory");
}

TEST(HostileSpecialFiles, OutputThroughAnotherNameIsAnInput) {
  TempDir Dir;
  std::string In = Dir.write("in", "x");
  std::string Sym = Dir.file("sym"), Hard = Dir.file("hard");
  ASSERT_EQ(::symlink(In.c_str(), Sym.c_str()), 0);
  ASSERT_EQ(::link(In.c_str(), Hard.c_str()), 0);
  for (const std::string &Out : {In, Sym, Hard, Dir.path() + "/./in"})
    EXPECT_TRUE(llvm::errorToBool(checkOutputIsNotAnInput(Out, {In}))) << Out;
  EXPECT_FALSE(llvm::errorToBool(checkOutputIsNotAnInput(Dir.file("new"), {In})));
  EXPECT_FALSE(llvm::errorToBool(checkOutputIsNotAnInput("-", {In})));
}

// --- class 3: odd inputs must not change the verdict

TEST(HostileSymvers, CrlfLineEndingsGiveTheSameVerdict) {
  Kernel K;
  std::string Crlf = K.Dir.write("crlf.symvers", withCrlf(SymversText));
  CommandResult Lf = run({toolPath("modcheck"), "-s", K.Symvers, K.Module});
  CommandResult Cr = run({toolPath("modcheck"), "-s", Crlf, K.Module});
  EXPECT_EQ(Cr.ExitCode, Lf.ExitCode) << Cr.Stdout << Cr.Stderr;
  EXPECT_EQ(Cr.Stdout, Lf.Stdout);
  EXPECT_EQ(Cr.Stdout.find('\r'), std::string::npos);
}

TEST(HostileSymvers, CrlfIsReadAsLf) {
  auto Db = readSymvers("s", withCrlf("0x1\ta\tvmlinux\tEXPORT_SYMBOL\tNS\n"
                                      "0x2\tb\tvmlinux\tEXPORT_SYMBOL\t\n"));
  ASSERT_TRUE(bool(Db)) << llvm::toString(Db.takeError());
  EXPECT_EQ(Db->find("a")->Namespace, "NS");
  EXPECT_EQ(Db->find("b")->Namespace, "");
}

TEST(HostileSymvers, StrayBytesAreRefusedWithFileAndLine) {
  auto Expect = [](llvm::StringRef Text, llvm::StringRef Message) {
    auto Db = readSymvers("S", Text);
    ASSERT_FALSE(bool(Db));
    EXPECT_EQ(llvm::toString(Db.takeError()), Message.str());
  };
  Expect("0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\r0x2\tb\tvmlinux\tEXPORT_SYMBOL\t\r",
         "S:1: carriage return at column 29 (lines must end in LF or CRLF)");
  Expect(llvm::StringRef("0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\n0x2\tb\0c\tvmlinux\tEXPORT_SYMBOL\t\n",
                         59),
         "S:2: NUL byte at column 6");
  Expect("0x1\ta\tvmlinux\tEXPORT_SYMBOL\tNS\textra\n",
         "S:1: expected 5 tab-separated fields, found 6");
}

TEST(HostileSymvers, DumpReadsEveryCrcFormMinusSReads) {
  // One parser: the forms -s takes, --dump recognises as Module.symvers too.
  Kernel K;
  std::string Upper = K.Dir.write("upper.symvers", "0X11111111\tmodule_layout\tvmlinux\t"
                                                   "EXPORT_SYMBOL\t\nabc\tprintk\tvmlinux\t"
                                                   "EXPORT_SYMBOL\t\n");
  CommandResult R = run({toolPath("modversions"), "--dump", Upper});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_NE(R.Stdout.find("module_layout"), std::string::npos) << R.Stdout;
  EXPECT_TRUE(looksLikeSymvers("abc\tx\tvmlinux\tEXPORT_SYMBOL\t\n"));
  EXPECT_FALSE(looksLikeSymvers("0xzz\tx\n"));
}

// --- class 3: a module of another target is refused, as the kernel refuses it

TEST(HostileTarget, ModuleOfAnotherMachineIsIncompatible) {
  Kernel K;
  std::string Db = K.Db();
  CommandResult Good = run({toolPath("modcheck"), "-k", Db, K.Module});
  ASSERT_EQ(Good.ExitCode, 0) << Good.Stdout << Good.Stderr;
  std::string Arm = K.patchedModule("arm.ko", 0x12, llvm::StringRef("\xb7\x00", 2));
  CommandResult R = run({toolPath("modcheck"), "-k", Db, Arm});
  EXPECT_EQ(R.ExitCode, 1) << R.Stdout << R.Stderr;
  EXPECT_NE(R.Stdout.find(Arm + ": Invalid architecture in ELF header: 183 (module is ELF64 "
                                "little-endian aarch64, the kernel is ELF64 little-endian "
                                "x86-64)"),
            std::string::npos)
      << R.Stdout;
  EXPECT_NE(R.Stdout.find("1 incompatible"), std::string::npos) << R.Stdout;
}

TEST(HostileTarget, ModuleOfAnotherOsAbiIsIncompatible) {
  Kernel K;
  std::string Db = K.Db();
  std::string Other = K.patchedModule("fbsd.ko", llvm::ELF::EI_OSABI, "\x09");
  CommandResult R = run({toolPath("modcheck"), "--json", "-k", Db, Other});
  EXPECT_EQ(R.ExitCode, 1) << R.Stdout << R.Stderr;
  EXPECT_NE(R.Stdout.find("\"wrong_target\""), std::string::npos) << R.Stdout;
  EXPECT_NE(R.Stdout.find("x86-64, OS ABI 9, the kernel is ELF64 little-endian x86-64)"),
            std::string::npos)
      << R.Stdout;
}

TEST(HostileTarget, CheckModuleRefusesFirst) {
  SymbolDb Db;
  ElfTarget X86;
  X86.Machine = llvm::ELF::EM_X86_64;
  Db.kernel().Target = X86;
  ModuleImports M;
  M.Name = "m";
  M.Target = X86;
  M.Target.Machine = llvm::ELF::EM_AARCH64;
  CheckResult R = checkModule("m.ko", M, Db, {});
  EXPECT_EQ(R.Result, Verdict::Refused);
  ASSERT_FALSE(R.Problems.empty());
  EXPECT_EQ(R.Problems.front().Kind, ProblemKind::WrongTarget);
  EXPECT_EQ(R.Problems.size(), 1u) << "the loader stops at the ELF check";
  M.Target = X86;
  EXPECT_NE(checkModule("m.ko", M, Db, {}).Problems.front().Kind, ProblemKind::WrongTarget);
}

TEST(HostileTarget, UnknownKernelTargetIsSaid) {
  Kernel K;
  CommandResult R = run({toolPath("modcheck"), "-s", K.Symvers, K.Module});
  EXPECT_NE(R.Stderr.find("modcheck: warning: the kernel's ELF target is unknown"),
            std::string::npos)
      << R.Stderr;
  EXPECT_EQ(lines(R.Stderr), 1u) << R.Stderr;
}

// The warning names the file that lacks the target (before: no file at all).
TEST(HostileTarget, UnknownKernelTargetNamesTheInput) {
  Kernel K;
  CommandResult R = run({toolPath("modcheck"), "-s", K.Symvers, K.Module});
  EXPECT_NE(R.Stderr.find("the kernel's ELF target is unknown (not in " + K.Symvers + ": "),
            std::string::npos)
      << R.Stderr;
}

// mkmod refuses a module of another OS ABI, naming it and showing the OS ABI.
TEST(HostileTarget, MkmodTargetMismatchNamesTheModuleAndShowsTheOsAbi) {
  Kernel K;
  std::string Db = K.Db();
  std::string Other = K.patchedModule("fbsd.ko", llvm::ELF::EI_OSABI, "\x09");
  CommandResult R = run({toolPath("mkmod"), "-q", "-k", Db, Other, "-o", K.Dir.file("out.ko")});
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_NE(R.Stderr.find(Other + ": is ELF64 little-endian x86-64, OS ABI 9 but the kernel is "
                                  "ELF64 little-endian x86-64"),
            std::string::npos)
      << R.Stderr;
  EXPECT_EQ(lines(R.Stderr), 1u) << R.Stderr;
}

TEST(HostileTarget, TargetsThatDifferDescribeDifferently) {
  ElfTarget A, B;
  A.Machine = B.Machine = llvm::ELF::EM_X86_64;
  B.OSABI = 3;
  EXPECT_NE(A.describe(), B.describe());
  B = A;
  B.Flags = 0x5000000;
  EXPECT_NE(A.describe(), B.describe());
  EXPECT_EQ(A.describe(), "ELF64 little-endian x86-64");
}

// --- class 6: echoed values are escaped and capped; errors are one line

TEST(HostileMessages, PrintableEscapesAndCaps) {
  EXPECT_EQ(printable("plain name_1"), "plain name_1");
  EXPECT_EQ(printable(llvm::StringRef("a\x1b[31m\a\r\n\0b", 11)), "a\\x1b[31m\\x07\\r\\n\\x00b");
  EXPECT_EQ(printable("\xef\xbb\xbf"
                      "0x1"),
            "\\xef\\xbb\\xbf0x1");
  std::string Huge(10 << 20, 'v');
  std::string P = printable(Huge);
  EXPECT_LT(P.size(), MaxEchoedBytes + 40);
  EXPECT_NE(P.find("(10485760 bytes)"), std::string::npos);
}

TEST(HostileMessages, VermagicRefusalIsOneShortLine) {
  SymbolDb Db;
  Db.kernel().Release = "6.1.0-56-amd64";
  Db.kernel().Vermagic = "6.1.0-56-amd64 SMP preempt mod_unload modversions ";
  CompiledAgainst Obj;
  Obj.Vermagic = "6.1.0-56-amd64 SMP \x1b]0;pwned\a\n" + std::string(10 << 20, 'x');
  GuardVerdict V = checkCompiledAgainst(Obj, {}, Db);
  ASSERT_EQ(V.Refusals.size(), 1u);
  const std::string &Msg = V.Refusals.front();
  EXPECT_LT(Msg.size(), 1000u);
  EXPECT_TRUE(llvm::none_of(Msg, [](char C) { return (unsigned char)C < 0x20; })) << Msg;
  EXPECT_NE(Msg.find("\\x1b]0;pwned\\x07\\n"), std::string::npos) << Msg;
}

TEST(HostileMessages, CommandLineErrorsAreOneLineWithTheToolsName) {
  for (const char *Tool : {"mkmod", "modcheck", "modversions"}) {
    CommandResult R = run({toolPath(Tool), "x.o", "--no-such-option"});
    EXPECT_EQ(R.ExitCode, 64) << Tool;
    EXPECT_EQ(lines(R.Stderr), 1u) << R.Stderr;
    EXPECT_EQ(R.Stderr.rfind(std::string(Tool) + ": error: ", 0), 0u) << R.Stderr;
    EXPECT_NE(R.Stderr.find("--no-such-option"), std::string::npos) << R.Stderr;
  }
  CommandResult Help = run({toolPath("modcheck"), "--help"});
  EXPECT_EQ(Help.ExitCode, 0);
  EXPECT_NE(Help.Stdout.find("Usage"), std::string::npos);
}

TEST(HostileMessages, LinkErrorsNameTheInputsNotTheStagingCopies) {
  // Two compressed inputs that both define seed_a: LLD refuses the link, and it reads
  // decompressed copies in $TMPDIR; the message must name the user's files.
  Kernel K;
  std::string A = K.Dir.file("a.ko"), B = K.Dir.file("b.ko");
  ASSERT_FALSE(llvm::sys::fs::copy_file(K.Module, A));
  ASSERT_FALSE(llvm::sys::fs::copy_file(K.Module, B));
  ASSERT_EQ(run({"gzip", "-n", A, B}).ExitCode, 0);
  CommandResult R = run(
      {toolPath("mkmod"), "-q", "-s", K.Symvers, A + ".gz", B + ".gz", "-o", K.Dir.file("out.ko")});
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_EQ(R.Stderr.find("modver-input"), std::string::npos) << R.Stderr;
  EXPECT_TRUE(R.Stderr.find(A + ".gz") != std::string::npos ||
              R.Stderr.find(B + ".gz") != std::string::npos)
      << R.Stderr;
}

// --- class 7: one rule for "-" and for missing output folders

TEST(HostileConventions, MkmodRefusesDashAsOutput) {
  Kernel K;
  CommandResult R = run({toolPath("mkmod"), "-q", "-s", K.Symvers, K.Module, "-o", "-"});
  EXPECT_EQ(R.ExitCode, 64) << R.Stderr;
  EXPECT_EQ(lines(R.Stderr), 1u) << R.Stderr;
  EXPECT_NE(R.Stderr.find("standard output"), std::string::npos) << R.Stderr;
  EXPECT_FALSE(llvm::sys::fs::exists("-"));
}

TEST(HostileConventions, ModversionsWritesDashToStandardOutput) {
  Kernel K;
  CommandResult R =
      run({toolPath("modversions"), "-s", K.Symvers, "--target-from", K.Module, "-o", "-"});
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_EQ(R.Stdout.rfind("\x7f"
                           "ELF",
                           0),
            0u);
}

TEST(HostileConventions, MkmodOutputDirMustExist) {
  Kernel K;
  std::string Missing = K.Dir.file("no/such");
  CommandResult R = run({toolPath("mkmod"), "-q", "-s", K.Symvers, K.Module, "-O", Missing});
  EXPECT_EQ(R.ExitCode, 2) << R.Stderr;
  EXPECT_NE(R.Stderr.find(Missing + ": No such file or directory"), std::string::npos) << R.Stderr;
  EXPECT_FALSE(llvm::sys::fs::exists(K.Dir.file("no")));
}

} // namespace
