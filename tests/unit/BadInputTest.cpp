// Bad inputs and hostile outputs, through the real tools: every case must end with exit 2,
// exactly one line on standard error naming the file and the problem, nothing written (the
// output keeps its old bytes, no temporary file is left) and the inputs untouched. A few
// outputs that are not regular files must work and stay what they are (/dev/null, a FIFO).
//
// Malformed ELF files are made by patching the bytes of an object compiled here.
#include "BadInputSupport.h"
#include "Fixture.h"

#include "llvm/ADT/StringExtras.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iostream>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>

using namespace modver::test;

namespace {

// A module as kbuild leaves it before modpost: imports, .modinfo, a __versions table.
const char *ModuleSource = R"(
extern int printk(const char *, ...);
extern void kfree(const void *);
int seed_a(int x) { printk("%d", x); kfree(0); return x; }
__attribute__((section(".modinfo"), used, aligned(1))) static const char modinfo[] =
    "license=GPL\0name=badinput\0";
struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };
__attribute__((used, section("__versions"))) static const struct modversion_info v[] = {
  { 0x11111111, "module_layout" }, { 0x22222222, "printk" }, { 0x33333333, "kfree" } };
__attribute__((used, section(".gnu.linkonce.this_module"))) static char this_module[64];
)";

constexpr const char *PreviousOutput = "previous output, must survive\n";
constexpr uint64_t TwoGiB = uint64_t(2) << 30;
// A tool reading a small file needs far less; a 2 GiB allocation would not fit.
constexpr uint64_t AddressSpaceLimit = uint64_t(1) << 30;
constexpr long MaxRssKiB = UnderAsan ? 768 * 1024 : 384 * 1024;

struct Env {
  TempDir Dir;
  std::string Object;  // the compiled module
  std::string Symvers; // a kernel exporting what it needs, plus filler (> 4 KiB of records)
  std::string Out;     // an existing output, PreviousOutput
  std::string OutDir;  // the folder holding Out and nothing else
  std::string Scratch; // child stdout/stderr live here, not next to the output

  Env() {
    Object = compile(Dir, "module.c", ModuleSource);
    std::string S = "0x11111111\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n"
                    "0x22222222\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
                    "0x33333333\tkfree\tvmlinux\tEXPORT_SYMBOL\t\n";
    for (int I = 0; I < 100; ++I)
      S += "0x" + std::to_string(10000000 + I) + "\tfiller_" + std::to_string(I) +
           "\tvmlinux\tEXPORT_SYMBOL_GPL\t\n";
    Symvers = Dir.write("kernel.symvers", S);
    OutDir = Dir.file("out");
    llvm::sys::fs::create_directory(OutDir);
    Out = OutDir + "/out.o";
    std::ofstream(Out) << PreviousOutput;
  }
  // A copy of the object with Patch applied, as Dir/Name.
  std::string patched(const std::string &Name, const std::function<void(Elf64Patch &)> &Patch) {
    Elf64Patch P{readWhole(Object)};
    Patch(P);
    return Dir.write(Name, P.Bytes);
  }
  std::vector<std::string> mkmod(const std::string &Input) const {
    return {toolPath("mkmod"), "-q", "-s", Symvers, Input, "-o", Out};
  }
  std::vector<std::string> modversions(const std::string &Flag, const std::string &Input) const {
    return {toolPath("modversions"), Flag, Input, "--target-from", Object, "-o", Out};
  }
};

struct Spec {
  std::vector<std::string> Argv;
  std::vector<std::string> Inputs; // must be untouched (bytes, mtime, inode)
  std::string Output;              // must be unchanged (or stay absent)
  std::string NamedFile;           // the message names it
  std::vector<std::string> Words;  // and says one of these
  ChildLimits Limits;
  int Exit = 2;
  bool AllowWarnings = false; // "<tool>: warning:" lines besides the one error line
  std::function<void(const ChildResult &)> After;
};

using Case = std::function<Spec(Env &)>;

Spec moduleCase(Env &E, const std::string &Bad, std::vector<std::string> Words) {
  Spec S;
  S.Argv = E.mkmod(Bad);
  S.Inputs = {Bad, E.Symvers};
  S.Output = E.Out;
  S.NamedFile = Bad;
  S.Words = std::move(Words);
  return S;
}

Spec symversCase(Env &E, const std::string &Text, std::vector<std::string> Words) {
  std::string Bad = E.Dir.write("bad.symvers", Text);
  Spec S;
  S.Argv = E.modversions("-s", Bad);
  S.Inputs = {Bad, E.Object};
  S.Output = E.Out;
  S.NamedFile = Bad;
  S.Words = std::move(Words);
  return S;
}

// A FIFO nobody writes to: opening it for reading the usual way blocks forever.
std::string fifo(Env &E, const std::string &Name) {
  std::string P = E.Dir.file(Name);
  EXPECT_EQ(::mkfifo(P.c_str(), 0600), 0);
  return P;
}

// A special file given where a regular file is read: refused before it is read, quickly.
Spec specialInput(std::vector<std::string> Argv, const std::string &Special,
                  std::vector<std::string> Inputs, const std::string &Out) {
  Spec S;
  S.Argv = std::move(Argv);
  S.Inputs = std::move(Inputs);
  S.Output = Out;
  S.NamedFile = Special;
  S.Words = {"not a regular file"};
  S.Limits.WallSeconds = 60;
  return S;
}

// A copy of the compiled module at Dir/Rel (folders made).
std::string copyModule(Env &E, const std::string &Rel) {
  std::string P = E.Dir.file(Rel);
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(P));
  EXPECT_FALSE(llvm::sys::fs::copy_file(E.Object, P));
  return P;
}

// A "linker" that exits 0 after writing Content (a shell command on $out, the -o argument).
std::string fakeLinker(Env &E, const std::string &Name, const std::string &Write) {
  std::string P = E.Dir.write(Name, "#!/bin/sh\nout=\nlast=\nwhile [ $# -gt 0 ]; do\n"
                                    "  if [ \"$1\" = -o ]; then out=$2; shift; fi\n"
                                    "  last=$1; shift\ndone\n" +
                                        Write + "\nexit 0\n");
  ::chmod(P.c_str(), 0755);
  return P;
}

// An output that is not a regular file: the run gives Exit and the node stays what it was.
Spec deviceOutput(Env &E, const std::string &Device, int Exit, std::vector<std::string> Words) {
  Spec S;
  S.Argv = {toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Device};
  S.Inputs = {E.Symvers, E.Object};
  S.NamedFile = Device;
  S.Words = std::move(Words);
  S.Exit = Exit;
  S.After = [Device](const ChildResult &) {
    struct stat St;
    ASSERT_EQ(::stat(Device.c_str(), &St), 0);
    EXPECT_TRUE(S_ISCHR(St.st_mode)) << Device << " is no longer a character device";
  };
  return S;
}

const std::map<std::string, Case> &cases() {
  static const std::map<std::string, Case> Table = {
      // --- not ELF at all
      {"EmptyModule", [](Env &E) { return moduleCase(E, E.Dir.write("empty.o", ""), {"empty"}); }},
      {"NotElf",
       [](Env &E) {
         return moduleCase(E, E.Dir.write("text.o", std::string(200, 'x')), {"not an ELF"});
       }},
      {"TruncatedHeader",
       [](Env &E) {
         return moduleCase(E, E.Dir.write("trunc.o", readWhole(E.Object).substr(0, 40)),
                           {"truncated"});
       }},
      // --- ELF structure
      {"SectionTablePastEnd",
       [](Env &E) {
         std::string Bad = E.patched(
             "shoff.o", [](Elf64Patch &P) { P.put<uint64_t>(0x28, P.Bytes.size() - 100); });
         return moduleCase(E, Bad, {"section header", "past the end"});
       }},
      {"AbsurdSectionCount",
       [](Env &E) {
         std::string Bad =
             E.patched("shnum.o", [](Elf64Patch &P) { P.put<uint16_t>(0x3c, 0xfff0); });
         Spec S = moduleCase(E, Bad, {"section header", "past the end", "sections"});
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      {"OverlappingSections",
       [](Env &E) {
         std::string Bad = E.patched("overlap.o", [](Elf64Patch &P) {
           // __versions' bytes are also .modinfo's.
           unsigned V = P.section("__versions"), M = P.section(".modinfo");
           P.setSecOffset(V, P.secOffset(M));
         });
         return moduleCase(E, Bad, {"overlap"});
       }},
      {"VersionsNotRecordMultiple",
       [](Env &E) {
         std::string Bad =
             E.patched("v65.o", [](Elf64Patch &P) { P.setSecSize(P.section("__versions"), 65); });
         return moduleCase(E, Bad, {"__versions"});
       }},
      {"VersionsNameWithoutNul",
       [](Env &E) {
         std::string Bad = E.patched("nonul.o", [](Elf64Patch &P) {
           uint64_t Off = P.secOffset(P.section("__versions"));
           for (size_t I = 8; I < 64; ++I)
             P.Bytes[Off + I] = 'A';
         });
         return moduleCase(E, Bad, {"__versions"});
       }},
      {"AbsurdVersionsSize",
       [](Env &E) {
         std::string Bad = E.patched(
             "v2g.o", [](Elf64Patch &P) { P.setSecSize(P.section("__versions"), TwoGiB); });
         Spec S = moduleCase(E, Bad, {"__versions", "past the end", "offset"});
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      {"AbsurdSymtabSize",
       [](Env &E) {
         std::string Bad = E.patched(
             "sym2g.o", [](Elf64Patch &P) { P.setSecSize(P.section(".symtab"), TwoGiB); });
         Spec S = moduleCase(E, Bad, {"sh_size", "past the end"});
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      {"WrongEndianness",
       [](Env &E) {
         // EI_DATA says big-endian; every field read that way is nonsense.
         std::string Bad = E.patched("be.o", [](Elf64Patch &P) { P.Bytes[5] = 2; });
         Spec S = moduleCase(E, Bad, {"byte order contradicts EI_DATA"});
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      {"BadModuleForModcheck",
       [](Env &E) {
         std::string Bad =
             E.patched("check.o", [](Elf64Patch &P) { P.setSecSize(P.section("__versions"), 65); });
         Spec S;
         S.Argv = {toolPath("modcheck"), "-q", "-s", E.Symvers, Bad};
         S.Inputs = {Bad, E.Symvers};
         S.NamedFile = Bad;
         S.Words = {"__versions"};
         return S;
       }},
      // --- Module.symvers
      {"SymversFieldCount",
       [](Env &E) { return symversCase(E, "0x12345678\tfoo\tvmlinux\n", {"field"}); }},
      {"SymversBadHex",
       [](Env &E) {
         return symversCase(E, "0x12z45678\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n", {"CRC", "crc"});
       }},
      {"SymversDuplicate",
       [](Env &E) {
         return symversCase(E,
                            "0x12345678\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n"
                            "0x12345679\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n",
                            {"duplicate", "twice", "more than once"});
       }},
      // --- compressed input whose header promises a huge output
      {"TruncatedGzipKernel",
       [](Env &E) {
         // A gzip member cut short, its trailer claiming 2 GiB.
         std::string Gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
         Gz += std::string("\x4b\x4c\x4a\x06\x00", 5);
         Gz += std::string("\x00\x00\x00\x00\x00\x00\x00\x80", 8);
         std::string Bad = E.Dir.write("vmlinux.gz", Gz.substr(0, 12));
         Spec S;
         S.Argv = {toolPath("modversions"), "-k", Bad, "-o", E.Out};
         S.Inputs = {Bad};
         S.Output = E.Out;
         S.NamedFile = Bad;
         S.Words = {"gzip", "truncated", "corrupt"};
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      // --- the file system
      {"DirectoryAsInput",
       [](Env &E) {
         std::string D = E.Dir.file("adir");
         llvm::sys::fs::create_directory(D);
         Spec S;
         S.Argv = E.modversions("-s", D);
         S.Inputs = {E.Object};
         S.Output = E.Out;
         S.NamedFile = D;
         S.Words = {"directory"};
         return S;
       }},
      {"UnreadableInput",
       [](Env &E) {
         Spec S;
         std::string P;
         if (geteuid() == 0) {
           // Root reads a chmod 000 file (and a /proc file of size 0 reads as empty): a UNIX
           // socket is a path nobody can open for reading (ENXIO).
           P = E.Dir.file("socket.symvers");
           int Fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
           struct sockaddr_un Addr = {};
           Addr.sun_family = AF_UNIX;
           EXPECT_LT(P.size(), sizeof Addr.sun_path);
           strncpy(Addr.sun_path, P.c_str(), sizeof Addr.sun_path - 1);
           EXPECT_EQ(::bind(Fd, reinterpret_cast<sockaddr *>(&Addr), sizeof Addr), 0);
           S.Words = {"No such device or address"};
         } else {
           P = E.Dir.write("secret.symvers", "0x1\tx\tvmlinux\tEXPORT_SYMBOL\t\n");
           ::chmod(P.c_str(), 0);
           S.Inputs = {P};
           S.Words = {"Permission denied"};
         }
         S.Argv = E.modversions("-s", P);
         S.Inputs.push_back(E.Object);
         S.Output = E.Out;
         S.NamedFile = P;
         return S;
       }},
      {"MissingOutputFolder",
       [](Env &E) {
         std::string Missing = E.Dir.file("no/such/folder/out.o");
         Spec S;
         S.Argv = {
             toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Missing};
         S.Inputs = {E.Symvers, E.Object};
         S.Output = Missing;
         S.NamedFile = Missing;
         S.Words = {"No such file or directory"};
         return S;
       }},
      {"OutputIsFolder",
       [](Env &E) {
         Spec S;
         S.Argv = {
             toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", E.OutDir};
         S.Inputs = {E.Symvers, E.Object};
         S.NamedFile = E.OutDir;
         S.Words = {"directory"};
         return S;
       }},
      {"DiskFull",
       [](Env &E) {
         // The output (100+ records) is larger than the 2 KiB the child may write.
         Spec S;
         S.Argv = E.modversions("-s", E.Symvers);
         S.Inputs = {E.Symvers, E.Object};
         S.Output = E.Out;
         S.NamedFile = E.Out;
         S.Words = {"File too large", "No space"};
         S.Limits.FileSize = 2048;
         return S;
       }},
      {"DiskFullMkmod",
       [](Env &E) {
         // mkmod stages its inputs in $TMPDIR first: that write is the one refused, and the
         // message names the staging file. A bare Module.symvers also earns a warning line.
         Spec S = moduleCase(E, E.Object, {"File too large", "No space"});
         S.NamedFile = "";
         S.AllowWarnings = true;
         S.Limits.FileSize = 1024;
         return S;
       }},
      // --- special files as inputs (issue 16, class 1)
      {"FifoModuleForModcheck",
       [](Env &E) {
         std::string F = fifo(E, "fifo.ko");
         return specialInput({toolPath("modcheck"), "-q", "-s", E.Symvers, F}, F, {E.Symvers}, "");
       }},
      {"FifoKernel",
       [](Env &E) {
         std::string F = fifo(E, "vmlinuz");
         return specialInput({toolPath("modversions"), "-k", F, "-o", E.Out}, F, {}, E.Out);
       }},
      {"FifoSymvers",
       [](Env &E) {
         std::string F = fifo(E, "Module.symvers");
         return specialInput(E.modversions("-s", F), F, {E.Object}, E.Out);
       }},
      {"FifoKernelConfig",
       [](Env &E) {
         std::string F = fifo(E, "config");
         std::vector<std::string> Argv = E.modversions("-s", E.Symvers);
         Argv.insert(Argv.begin() + 1, {"--kernel-config", F});
         return specialInput(Argv, F, {E.Symvers, E.Object}, E.Out);
       }},
      {"FifoModuleForMkmod",
       [](Env &E) {
         std::string F = fifo(E, "fifo.o");
         Spec S = specialInput(E.mkmod(F), F, {E.Symvers}, E.Out);
         S.AllowWarnings = true;
         return S;
       }},
      {"DevZeroSymvers",
       [](Env &E) {
         Spec S = specialInput(E.modversions("-s", "/dev/zero"), "/dev/zero", {E.Object}, E.Out);
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      {"DevUrandomModule",
       [](Env &E) {
         Spec S = specialInput({toolPath("modcheck"), "-q", "-s", E.Symvers, "/dev/urandom"},
                               "/dev/urandom", {E.Symvers}, "");
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         return S;
       }},
      // --- odd Module.symvers (class 3) and what messages echo of it (class 6)
      {"SymversCrOnlyLines",
       [](Env &E) {
         return symversCase(E,
                            "0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\r"
                            "0x2\tb\tvmlinux\tEXPORT_SYMBOL\t\r",
                            {":1: carriage return"});
       }},
      {"SymversSixFields",
       [](Env &E) {
         return symversCase(E, "0x1\ta\tvmlinux\tEXPORT_SYMBOL\tNS\textra\n",
                            {":1: expected 5 tab-separated fields, found 6"});
       }},
      {"SymversNulInName",
       [](Env &E) {
         return symversCase(E, std::string("0x1\tfo\0o\tvmlinux\tEXPORT_SYMBOL\t\n", 32),
                            {":1: NUL byte"});
       }},
      {"SymversByteOrderMark",
       [](Env &E) {
         return symversCase(E,
                            "\xef\xbb\xbf"
                            "0x1\ta\tvmlinux\tEXPORT_SYMBOL\t\n",
                            {"bad CRC '\\xef\\xbb\\xbf0x1'"});
       }},
      {"UnreadableFolderInModuleTree",
       [](Env &E) {
         copyModule(E, "tree/a.ko");
         copyModule(E, "tree/locked/b.ko");
         std::string Locked = E.Dir.file("tree/locked");
         ::chmod(Locked.c_str(), 0);
         Spec S;
         S.Argv = {toolPath("modcheck"), "-q", "-s", E.Symvers, E.Dir.file("tree")};
         S.Inputs = {E.Symvers};
         S.NamedFile = Locked;
         S.Words = {"Permission denied"};
         S.Limits.NoFileOverride = true;
         return S;
       }},
      // --- inputs lost (class 4)
      {"OutputIsTheSymvers",
       [](Env &E) {
         Spec S = symversCase(E, readWhole(E.Symvers), {"is also an input"});
         S.Argv.back() = S.Inputs.front();
         S.Output = "";
         return S;
       }},
      {"OutputIsASymlinkToAnInput",
       [](Env &E) {
         std::string Link = E.Dir.file("link.o");
         EXPECT_EQ(::symlink(E.Symvers.c_str(), Link.c_str()), 0);
         Spec S;
         S.Argv = {toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Link};
         S.Inputs = {E.Symvers, E.Object};
         S.NamedFile = Link;
         S.Words = {"is also an input"};
         return S;
       }},
      {"OutputIsAHardLinkToAnInput",
       [](Env &E) {
         std::string Link = E.Dir.file("hard.o");
         EXPECT_EQ(::link(E.Object.c_str(), Link.c_str()), 0);
         Spec S;
         S.Argv = {toolPath("modversions"), "-s", E.Symvers, "--target-from", E.Object, "-o", Link};
         S.Inputs = {E.Symvers, E.Object};
         S.NamedFile = Link;
         S.Words = {"is also an input"};
         return S;
       }},
      {"MkmodOutputIsTheSymvers",
       [](Env &E) {
         Spec S = moduleCase(E, E.Object, {"is also an input"});
         S.Argv.back() = E.Symvers;
         S.Inputs = {E.Object, E.Symvers};
         S.Output = "";
         S.NamedFile = E.Symvers;
         return S;
       }},
      {"MkmodCollidingOutputs",
       [](Env &E) {
         std::string A = copyModule(E, "a/x.o"), B = copyModule(E, "b/x.o");
         Spec S;
         S.Argv = {toolPath("mkmod"), "-q", "-s", E.Symvers, "-O", E.OutDir, A, B};
         S.Inputs = {A, B, E.Symvers};
         S.NamedFile = E.OutDir + "/x.o";
         S.Words = {"written twice"};
         return S;
       }},
      {"LinkerWritesNonElf",
       [](Env &E) {
         Spec S = moduleCase(E, E.Object, {"exited 0 but wrote a file that is not ELF"});
         S.Argv.insert(S.Argv.end(),
                       {"--linker", fakeLinker(E, "fake-ld", "echo garbage > \"$out\"")});
         S.NamedFile = E.Out;
         S.AllowWarnings = true;
         return S;
       }},
      {"LinkerWritesTruncatedElf",
       [](Env &E) {
         Spec S = moduleCase(E, E.Object, {"exited 0 but wrote a damaged ELF file"});
         std::string Ld = fakeLinker(E, "cut-ld", "head -c 400 \"$last\" > \"$out\"");
         S.Argv.insert(S.Argv.end(), {"--linker", Ld});
         S.NamedFile = E.Out;
         S.AllowWarnings = true;
         return S;
       }},
      // --- standard input that never ends: refused once it passes the limit, not read whole
      {"EndlessStdin",
       [](Env &E) {
         Spec S;
         S.Argv = E.modversions("-s", "-");
         S.Inputs = {E.Object};
         S.Output = E.Out;
         S.NamedFile = "<stdin>";
         S.Words = {"more than the limit of 268435456 bytes"};
         S.Limits.Stdin = "/dev/zero";
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         S.Limits.WallSeconds = 60;
         return S;
       }},
      {"StdinGivenTwice",
       [](Env &E) {
         Spec S;
         S.Argv = {toolPath("modversions"),
                   "-s",
                   "-",
                   "--kernel-config",
                   "-",
                   "--target-from",
                   E.Object,
                   "-o",
                   E.Out};
         S.Inputs = {E.Object};
         S.Output = E.Out;
         S.NamedFile = "<stdin>";
         S.Words = {"can be read only once"};
         S.Limits.Stdin = E.Symvers;
         return S;
       }},
      {"EndlessStdinKernelConfig",
       [](Env &E) {
         Spec S;
         S.Argv = {toolPath("mkmod"), "-q", "-s", E.Symvers, "--kernel-config", "-",
                   E.Object,          "-o", E.Out};
         S.Inputs = {E.Object, E.Symvers};
         S.Output = E.Out;
         S.NamedFile = "<stdin>";
         S.Words = {"more than the limit of"};
         S.Limits.Stdin = "/dev/zero";
         S.Limits.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
         S.Limits.WallSeconds = 60;
         return S;
       }},
      // --- messages (class 6)
      {"UnknownTargetNamesTheSymvers",
       [](Env &E) {
         Spec S;
         S.Argv = {toolPath("modversions"), "-s", E.Symvers, "-o", E.Out};
         S.Inputs = {E.Symvers};
         S.Output = E.Out;
         S.NamedFile = E.Symvers;
         S.Words = {"ELF target is unknown"};
         return S;
       }},
      {"TruncatedBzImage",
       [](Env &E) {
         // A bzImage setup header (boot protocol 2.15) whose payload runs past the file's end.
         std::string Img(4096, '\0');
         Img[0x1f1] = 1;
         Img.replace(0x202, 4, "HdrS");
         Img[0x206] = 0x0f, Img[0x207] = 0x02;
         Img[0x24c] = 0x00, Img[0x24d] = 0x00, Img[0x24e] = 0x10; // 1 MiB
         std::string Bad = E.Dir.write("vmlinuz", Img);
         Spec S;
         S.Argv = {toolPath("modversions"), "-k", Bad, "-o", E.Out};
         S.Inputs = {Bad};
         S.Output = E.Out;
         S.NamedFile = Bad;
         S.Words = {"truncated kernel image"};
         return S;
       }},
      // --- small conventions (class 7)
      {"MkmodMissingOutputFolder",
       [](Env &E) {
         std::string Missing = E.Dir.file("nowhere/out.ko");
         Spec S = moduleCase(E, E.Object, {"No such file or directory"});
         S.Argv.back() = Missing;
         S.Output = Missing;
         S.NamedFile = E.Dir.file("nowhere");
         S.After = [Missing](const ChildResult &) {
           EXPECT_FALSE(llvm::sys::fs::exists(llvm::sys::path::parent_path(Missing)));
         };
         return S;
       }},
      {"DevFullOutput", [](Env &E) { return deviceOutput(E, "/dev/full", 2, {"No space"}); }},
      {"DevNullOutput", [](Env &E) { return deviceOutput(E, "/dev/null", 0, {}); }},
  };
  return Table;
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, FailsCleanly) {
  Env E;
  Spec S = cases().at(GetParam())(E);
  if (HasFatalFailure() || HasNonfatalFailure())
    return;
  TempDir Scratch;

  std::vector<FileSnapshot> Before;
  for (const std::string &In : S.Inputs)
    Before.push_back(FileSnapshot::of(In));
  FileSnapshot OutBefore = FileSnapshot::of(S.Output);
  std::vector<std::string> FolderBefore = listFolder(E.OutDir);

  ChildResult R = runLimited(Scratch, S.Argv, S.Limits);
  std::string Tool = llvm::sys::path::filename(S.Argv[0]).str();
  // The message and the memory used, for the log (the table in the report is made from it).
  std::cout << "[ message  ] exit " << R.ExitCode << ", max RSS " << R.MaxRssKiB / 1024
            << " MiB: " << (R.Stderr.empty() ? "(none)\n" : R.Stderr);

  EXPECT_EQ(R.Signal, 0) << "killed by signal " << R.Signal << "\n" << R.Stderr;
  EXPECT_EQ(R.ExitCode, S.Exit) << R.Stderr;
  EXPECT_LT(R.MaxRssKiB, MaxRssKiB) << "max RSS " << R.MaxRssKiB << " KiB";
  if (S.AllowWarnings) {
    std::string Kept;
    for (llvm::StringRef L : llvm::split(R.Stderr, '\n'))
      if (!L.empty() && !L.starts_with(Tool + ": warning: "))
        Kept += L.str() + "\n";
    R.Stderr = Kept;
  }
  if (S.Exit == 2) {
    EXPECT_EQ(R.Stdout, "");
    ASSERT_FALSE(R.Stderr.empty());
    EXPECT_EQ(std::count(R.Stderr.begin(), R.Stderr.end(), '\n'), 1) << "not one line:\n"
                                                                     << R.Stderr;
    EXPECT_EQ(R.Stderr.back(), '\n');
    EXPECT_EQ(R.Stderr.rfind(Tool + ": error: ", 0), 0u) << R.Stderr;
    EXPECT_NE(R.Stderr.find(S.NamedFile.empty() ? "/" : S.NamedFile), std::string::npos)
        << "does not name " << S.NamedFile << ": " << R.Stderr;
    bool Says = S.Words.empty();
    for (const std::string &W : S.Words)
      Says |= R.Stderr.find(W) != std::string::npos;
    EXPECT_TRUE(Says) << "does not say what is wrong (" << S.Words.front() << "...): " << R.Stderr;
  } else {
    EXPECT_EQ(R.Stderr, "");
  }

  for (size_t I = 0; I < S.Inputs.size(); ++I) {
    EXPECT_TRUE(FileSnapshot::of(S.Inputs[I]) == Before[I]) << S.Inputs[I] << " was touched";
  }
  if (!S.Output.empty()) {
    EXPECT_TRUE(FileSnapshot::of(S.Output) == OutBefore) << S.Output << " was written";
  }
  if (S.Exit == 2) {
    EXPECT_EQ(listFolder(E.OutDir), FolderBefore) << "something was left in " << E.OutDir;
  }
  if (S.After)
    S.After(R);
}

std::vector<std::string> caseNames() {
  std::vector<std::string> Names;
  for (const auto &KV : cases())
    Names.push_back(KV.first);
  return Names;
}

INSTANTIATE_TEST_SUITE_P(Table, BadInput, ::testing::ValuesIn(caseNames()),
                         [](const auto &Info) { return Info.param; });

// The limits the cases run under leave room for a good run: without this, a case could pass
// only because the tool cannot start.
TEST(BadInputControl, GoodInputsWorkUnderTheSameLimits) {
  Env E;
  TempDir Scratch;
  ChildLimits L;
  L.AddressSpace = UnderAsan ? 0 : AddressSpaceLimit;
  ChildResult R = runLimited(Scratch, E.mkmod(E.Object), L);
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_LT(R.MaxRssKiB, MaxRssKiB);
  R = runLimited(Scratch, E.modversions("-s", E.Symvers), L);
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  std::string Written = readWhole(E.Out);
  EXPECT_GT(Written.size(), 4096u) << "the DiskFull cases need an output above their limit";
  // And with a file-size limit above the output, the write succeeds.
  L.FileSize = 1 << 20;
  R = runLimited(Scratch, E.modversions("-s", E.Symvers), L);
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
}

// A FIFO as output: written straight to (never renamed over), the reader gets the whole object.
TEST(BadInputControl, FifoOutputStaysAFifo) {
  Env E;
  TempDir Scratch;
  std::vector<std::string> Argv = E.modversions("-s", E.Symvers);
  ChildResult R = runLimited(Scratch, Argv);
  ASSERT_EQ(R.ExitCode, 0) << R.Stderr;
  std::string Expected = readWhole(E.Out);

  std::string Fifo = E.Dir.file("out.fifo");
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  std::string Got;
  std::thread Reader([&] {
    int Fd = ::open(Fifo.c_str(), O_RDONLY);
    char Buf[4096];
    ssize_t N;
    while (Fd >= 0 && (N = ::read(Fd, Buf, sizeof Buf)) > 0)
      Got.append(Buf, size_t(N));
    if (Fd >= 0)
      ::close(Fd);
  });
  Argv.back() = Fifo;
  R = runLimited(Scratch, Argv);
  Reader.join();
  EXPECT_EQ(R.ExitCode, 0) << R.Stderr;
  EXPECT_EQ(Got, Expected);
  struct stat St;
  ASSERT_EQ(::stat(Fifo.c_str(), &St), 0);
  EXPECT_TRUE(S_ISFIFO(St.st_mode));
}

} // namespace
