#include "Fixture.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace modver::test {

TempDir::TempDir() {
  llvm::SmallString<128> P;
  std::error_code EC = llvm::sys::fs::createUniqueDirectory("modver-test", P);
  if (EC)
    ADD_FAILURE() << "cannot create a temporary folder: " << EC.message();
  Path = std::string(P);
}

TempDir::~TempDir() {
  if (!Path.empty())
    llvm::sys::fs::remove_directories(Path);
}

std::string TempDir::file(llvm::StringRef Name) const {
  llvm::SmallString<256> P(Path);
  llvm::sys::path::append(P, Name);
  return std::string(P);
}

std::string TempDir::write(llvm::StringRef Name, llvm::StringRef Content) const {
  std::string P = file(Name);
  std::error_code EC;
  llvm::raw_fd_ostream OS(P, EC);
  if (EC) {
    ADD_FAILURE() << "cannot write " << P << ": " << EC.message();
    return P;
  }
  OS << Content;
  return P;
}

static std::string slurp(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return Buf ? std::string((*Buf)->getBuffer()) : std::string();
}

CommandResult run(const std::vector<std::string> &Argv) {
  CommandResult R;
  auto Program = llvm::sys::findProgramByName(Argv.at(0));
  if (!Program) {
    R.Stderr = Argv[0] + ": not found";
    return R;
  }
  llvm::SmallString<128> Out, Err;
  llvm::sys::fs::createTemporaryFile("modver-out", "txt", Out);
  llvm::sys::fs::createTemporaryFile("modver-err", "txt", Err);
  std::vector<llvm::StringRef> Args(Argv.begin(), Argv.end());
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  R.ExitCode = llvm::sys::ExecuteAndWait(*Program, Args, std::nullopt, Redirects);
  R.Stdout = slurp(Out);
  R.Stderr = slurp(Err);
  llvm::sys::fs::remove(Out);
  llvm::sys::fs::remove(Err);
  return R;
}

std::string compile(const TempDir &Dir, llvm::StringRef Name, llvm::StringRef Source,
                    const std::vector<std::string> &Flags, llvm::StringRef Compiler) {
  std::string Src = Dir.write(Name, Source);
  std::string Obj = Dir.file((llvm::sys::path::stem(Name) + ".o").str());
  std::vector<std::string> Argv = {Compiler.str(), "-c", "-o", Obj,
                                   "-fno-asynchronous-unwind-tables"};
  Argv.insert(Argv.end(), Flags.begin(), Flags.end());
  Argv.push_back(Src);
  CommandResult R = run(Argv);
  if (R.ExitCode != 0)
    ADD_FAILURE() << "compiling " << Name.str() << " failed:\n" << R.Stderr;
  return Obj;
}

bool canCompile(const std::vector<std::string> &Flags, llvm::StringRef Compiler) {
  TempDir Dir;
  std::string Src = Dir.write("probe.c", "int probe;\n");
  std::vector<std::string> Argv = {Compiler.str(), "-c", "-o", Dir.file("probe.o")};
  Argv.insert(Argv.end(), Flags.begin(), Flags.end());
  Argv.push_back(Src);
  return run(Argv).ExitCode == 0;
}

std::string readWhole(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!Buf) {
    ADD_FAILURE() << "cannot read " << Path.str();
    return {};
  }
  return std::string((*Buf)->getBuffer());
}

std::string toolPath(llvm::StringRef Tool) { return (MODVER_TOOLS_DIR "/" + Tool).str(); }

} // namespace modver::test
