// Linker::external(): a linker program started for each link.
//
// Slower than LLD in-process (a process start and the linker's own start-up per module), but
// it is the way to use GNU ld, a cross linker, or a newer ld.lld than the one modver is built
// against. Nothing is shared between links, so no lock is needed.
#include "Relink/Relink.h"
#include "Relink/TempOutput.h"

#include "Support/Error.h"
#include "Support/FileIO.h"

#include "llvm/ADT/Optional.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

namespace modver {
namespace {

class ExternalLinker final : public Linker {
public:
  explicit ExternalLinker(std::string Program) : Program(std::move(Program)) {}
  llvm::Error link(const RelinkJob &Job) override;
  std::string name() const override { return Program; }

private:
  std::string Program; // full path
};

llvm::Error ExternalLinker::link(const RelinkJob &Job) {
  auto Temp = TempOutput::create(Job.OutputPath);
  if (!Temp)
    return Temp.takeError();

  // The linker's messages go to a file: ExecuteAndWait can only redirect to paths. Standard
  // output goes there too, so that nothing a linker prints reaches our own output.
  llvm::SmallString<128> LogPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("modver-ld", "log", LogPath))
    return fileError(Job.OutputPath,
                     "cannot create a temporary file for the linker's messages: " +
                         EC.message());
  struct RemoveLog {
    llvm::StringRef Path;
    ~RemoveLog() { llvm::sys::fs::remove(Path); }
  } RemoveLogOnExit{LogPath};

  std::vector<llvm::StringRef> Args = {Program, "-r", "-T", Job.ScriptPath, "-o", Temp->path()};
  for (const std::string &Input : Job.Inputs)
    Args.push_back(Input);
  llvm::Optional<llvm::StringRef> Redirects[] = {llvm::StringRef("/dev/null"),
                                                 llvm::StringRef(LogPath),
                                                 llvm::StringRef(LogPath)};
  std::string ExecError;
  bool ExecFailed = false;
  int Status = llvm::sys::ExecuteAndWait(Program, Args, /*Env=*/llvm::None, Redirects,
                                         /*SecondsToWait=*/0, /*MemoryLimit=*/0, &ExecError,
                                         &ExecFailed);
  if (ExecFailed)
    return fileError(Job.OutputPath, "cannot run " + Program + ": " + ExecError);
  if (Status != 0) {
    std::string Log;
    if (auto Buf = readFile(LogPath))
      Log = (*Buf)->getBuffer().str();
    else
      llvm::consumeError(Buf.takeError());
    std::string Line = firstDiagnosticLine(Temp->mentionOutput(Log), Program);
    if (Line.empty())
      Line = Status < 0 ? "crashed: " + ExecError
                        : "failed with exit code " + std::to_string(Status) +
                              " and no message";
    return fileError(Job.OutputPath, Program + ": " + Line);
  }
  return Temp->commit();
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
  return std::make_unique<ExternalLinker>(std::move(Path));
}

} // namespace modver
