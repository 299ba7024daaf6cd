// Linker::external(): a linker program started for each link.
//
// Slower than LLD in-process (a process start and the linker's own start-up per module), but
// it is the way to use GNU ld, a cross linker, or a newer ld.lld than the one modver is built
// against. Nothing is shared between links, so no lock is needed.
//
// The arguments are GNU ld's -r -T -o, which every ELF linker accepts. One difference is
// papered over: LLD drops input build IDs, so an LLD program (recognised once, by its
// --version) is also given the module's ID (see BuildId.h).
#include "Relink/BuildId.h"
#include "Relink/MergeFlags.h"
#include "Relink/Relink.h"
#include "Relink/LinkerOutput.h"

#include "Support/Error.h"
#include "Support/FileIO.h"
#include "Support/TempFile.h"

#include <optional>
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

namespace modver {
namespace {

class ExternalLinker final : public Linker {
public:
  ExternalLinker(std::string Program, bool IsLld) : Program(std::move(Program)), IsLld(IsLld) {}
  llvm::Error link(const RelinkJob &Job) override;
  std::string name() const override { return Program; }

private:
  std::string Program; // full path
  bool IsLld;          // LLD in any of its spellings (ld.lld, ld.lld-22, a renamed copy)
};

// Whether Program is LLD: its --version says "LLD" ("Debian LLD 22.1.8 (compatible with GNU
// linkers)"); GNU ld says "GNU ld". A program that cannot say is treated as not LLD.
bool isLld(llvm::StringRef Program) {
  auto Out = TempFile::reserve("ld-version", "txt");
  if (!Out) {
    llvm::consumeError(Out.takeError());
    return false;
  }
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef("/dev/null"),
                                                 llvm::StringRef(Out->path()),
                                                 llvm::StringRef("/dev/null")};
  int Status = llvm::sys::ExecuteAndWait(Program, {Program, "--version"}, std::nullopt, Redirects);
  bool Result = false;
  if (Status == 0) {
    if (auto Buf = readFile(Out->path()))
      Result = (*Buf)->getBuffer().contains("LLD");
    else
      llvm::consumeError(Buf.takeError());
  }
  return Result;
}

llvm::Error ExternalLinker::link(const RelinkJob &Job) {
  auto Temp = OutputFile::create(Job.OutputPath, {/*Dash=*/false, Job.KeepMode});
  if (!Temp)
    return Temp.takeError();

  // The linker's messages go to a file: ExecuteAndWait can only redirect to paths. Standard
  // output goes there too, so that nothing a linker prints reaches our own output.
  auto Log = TempFile::reserve("ld", "log");
  if (!Log)
    return fileError(Job.OutputPath, "cannot create a temporary file for the linker's messages: " +
                                         llvm::toString(Log.takeError()));
  const std::string &LogPath = Log->path();

  std::vector<llvm::StringRef> Args = {Program, "-r", "-T", Job.ScriptPath, "-o", Temp->tempPath()};
  std::string BuildIdArg;
  if (IsLld) {
    std::string BuildId = findBuildIdHex(Job.Inputs);
    if (!BuildId.empty()) {
      BuildIdArg = "--build-id=0x" + BuildId;
      Args.push_back(BuildIdArg);
    }
  }
  // LLD in any spelling re-merges SHF_MERGE sections; GNU ld keeps them (see MergeFlags.h).
  UnmergedInputs Inputs{Job.Inputs, {}, {}};
  if (IsLld) {
    auto Unmerged = withoutMergeFlags(Job.Inputs);
    if (!Unmerged)
      return inFile(Job.OutputPath, Unmerged.takeError());
    Inputs = std::move(*Unmerged);
  }
  for (const std::string &Input : Inputs.Paths)
    Args.push_back(Input);
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef("/dev/null"),
                                                 llvm::StringRef(LogPath),
                                                 llvm::StringRef(LogPath)};
  std::string ExecError;
  bool ExecFailed = false;
  int Status = llvm::sys::ExecuteAndWait(Program, Args, /*Env=*/std::nullopt, Redirects,
                                         /*SecondsToWait=*/0, /*MemoryLimit=*/0, &ExecError,
                                         &ExecFailed);
  if (ExecFailed)
    return fileError(Job.OutputPath, "cannot run " + Program + ": " + ExecError);
  if (Status != 0) {
    std::string Messages;
    if (auto Buf = readFile(LogPath))
      Messages = (*Buf)->getBuffer().str();
    else
      llvm::consumeError(Buf.takeError());
    std::string Line = firstDiagnosticLine(mentionOutput(Messages, *Temp), Program);
    if (Line.empty())
      Line = Status < 0 ? "crashed: " + ExecError
                        : "failed with exit code " + std::to_string(Status) +
                              " and no message";
    return fileError(Job.OutputPath, Program + ": " + Line);
  }
  if (llvm::Error E = restoreMergeFlags(Temp->tempPath(), Inputs.Cleared))
    return E;
  return commitLinkerOutput(*Temp);
}

} // namespace

llvm::Expected<std::unique_ptr<Linker>> Linker::external(llvm::StringRef Program) {
  if (Program.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no linker program given");
  std::string Path;
  if (Program.contains('/')) {
    Path = Program.str();
  } else {
    auto Found = llvm::sys::findProgramByName(Program);
    if (!Found)
      return fileError(Program, "linker not found in PATH");
    Path = *Found;
  }
  if (!llvm::sys::fs::can_execute(Path))
    return fileError(Path, "linker is not an executable file");
  bool Lld = isLld(Path);
  return std::make_unique<ExternalLinker>(std::move(Path), Lld);
}

} // namespace modver
