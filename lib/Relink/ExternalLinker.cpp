// Linker::external(): a linker program started for each link.
//
// Slower than LLD in-process (a process start and the linker's own start-up per module), but
// it is the way to use GNU ld, a cross linker, or a newer ld.lld than the one modver is built
// against. Nothing is shared between links, so no lock is needed.
//
// The arguments are GNU ld's -r -T -o, which every ELF linker accepts. One difference is
// papered over: LLD drops input build IDs, so an LLD program (recognised once, by its
// --version) is also given the module's ID (see BuildId.h).
#include "Elf/ElfFile.h"
#include "Elf/ElfTarget.h"
#include "Relink/BuildId.h"
#include "Relink/LinkerOutput.h"
#include "Relink/MergeFlags.h"
#include "Relink/Relink.h"

#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/TempFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include <optional>

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
  std::optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef("/dev/null"), llvm::StringRef(Out->path()), llvm::StringRef("/dev/null")};
  int Status = llvm::sys::ExecuteAndWait(Program, {Program, "--version"}, std::nullopt, Redirects);
  bool Result = false;
  if (Status == 0) {
    if (auto Buf = readInputFile(Out->path()))
      Result = (*Buf)->getBuffer().contains("LLD");
    else
      llvm::consumeError(Buf.takeError());
  }
  return Result;
}

// A program that exits 0 may still have written nothing usable (a wrapper that swallowed
// the link, a disk it did not notice was full): what comes back must be an ELF relocatable
// of the inputs' target whose section and symbol tables lie inside the file. Messages name
// the output the link was for, not the temporary file.
llvm::Error checkLinkerOutput(llvm::StringRef Program, llvm::StringRef Path, const RelinkJob &Job) {
  auto Bad = [&](const llvm::Twine &Why) {
    return fileError(Job.OutputPath, Program + " exited 0 but wrote " + Why);
  };
  auto Out = readInputFile(Path);
  if (!Out)
    return Bad("nothing readable: " + llvm::toString(Out.takeError()));
  llvm::StringRef Bytes = (*Out)->getBuffer();
  if (!looksLikeElf(Bytes))
    return Bad(Bytes.empty() ? "an empty file" : "a file that is not ELF");
  auto Type = withElfFile(Job.OutputPath, Bytes, [](const auto &Elf) -> llvm::Expected<unsigned> {
    auto Sections = Elf.sections();
    if (!Sections)
      return Sections.takeError();
    for (const auto &Sec : *Sections) {
      if (Sec.sh_type == llvm::ELF::SHT_NOBITS)
        continue;
      if (auto Contents = Elf.getSectionContents(Sec); !Contents)
        return Contents.takeError();
      if (Sec.sh_type == llvm::ELF::SHT_SYMTAB)
        if (auto Symbols = Elf.symbols(&Sec); !Symbols)
          return Symbols.takeError();
    }
    return unsigned(Elf.getHeader().e_type);
  });
  if (!Type)
    return Bad("a damaged ELF file: " + llvm::toString(Type.takeError()));
  if (*Type != llvm::ELF::ET_REL)
    return Bad("an ELF file that is not relocatable (e_type " + llvm::Twine(*Type) + ")");
  auto Got = readElfTarget(Job.OutputPath, Bytes);
  if (!Got)
    return Got.takeError();
  if (Job.Inputs.empty())
    return llvm::Error::success();
  auto In = readInputFile(Job.Inputs.front());
  if (!In)
    return In.takeError();
  auto Want = readElfTarget(Job.Inputs.front(), (*In)->getBuffer());
  if (!Want)
    return Want.takeError();
  if (!Got->loadsInto(*Want))
    return Bad(Got->describe() + ", the inputs are " + Want->describe());
  return llvm::Error::success();
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
                                                llvm::StringRef(LogPath), llvm::StringRef(LogPath)};
  std::string ExecError;
  bool ExecFailed = false;
  int Status =
      llvm::sys::ExecuteAndWait(Program, Args, /*Env=*/std::nullopt, Redirects,
                                /*SecondsToWait=*/0, /*MemoryLimit=*/0, &ExecError, &ExecFailed);
  if (ExecFailed)
    return fileError(Job.OutputPath, "cannot run " + Program + ": " + ExecError);
  if (Status != 0) {
    std::string Log;
    if (auto Buf = readInputFile(LogPath))
      Log = (*Buf)->getBuffer().str();
    else
      llvm::consumeError(Buf.takeError());
    std::string Named = mentionOutput(mentionInputNames(Log, Inputs.Paths, Job), *Temp);
    std::string Line = withInputsNamed(firstDiagnosticLine(Named, Program), Named, Job);
    if (Line.empty())
      Line = Status < 0 ? "crashed: " + ExecError
                        : "failed with exit code " + std::to_string(Status) + " and no message";
    return fileError(Job.OutputPath, Program + ": " + Line);
  }
  if (llvm::Error E = checkLinkerOutput(Program, Temp->tempPath(), Job))
    return E;
  if (llvm::Error E = restoreMergeFlags(Temp->tempPath(), Inputs.Cleared))
    return E;
  return commitLinkerOutput(*Temp);
}

} // namespace

llvm::Expected<std::unique_ptr<Linker>> Linker::external(llvm::StringRef Program) {
  if (Program.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no linker program given");
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
