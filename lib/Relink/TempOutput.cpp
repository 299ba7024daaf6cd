#include "Relink/TempOutput.h"

#include "Support/Error.h"
#include "Support/FileIO.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <sys/stat.h>
#include <unistd.h>

namespace modver {

llvm::Expected<TempOutput> TempOutput::create(llvm::StringRef OutputPath) {
  if (OutputPath.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no output path given");
  llvm::SmallString<256> Dir(OutputPath);
  llvm::sys::path::remove_filename(Dir);
  if (Dir.empty())
    Dir = ".";
  llvm::SmallString<256> Model(Dir);
  llvm::sys::path::append(Model,
                          "." + llvm::sys::path::filename(OutputPath) + ".relink-%%%%%%");
  int FD;
  llvm::SmallString<256> Path;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Path))
    return fileError(OutputPath,
                     "cannot create a temporary file in '" + Dir + "': " + EC.message());
  ::close(FD);
  return TempOutput(std::string(Path), OutputPath.str());
}

TempOutput::TempOutput(TempOutput &&Other) noexcept
    : Path(std::move(Other.Path)), Output(std::move(Other.Output)),
      Committed(Other.Committed) {
  // The moved-from object must not remove the file on destruction.
  Other.Committed = true;
}

TempOutput::~TempOutput() {
  if (!Committed)
    llvm::sys::fs::remove(Path);
}

llvm::Error TempOutput::commit() {
  // A linker may have replaced the file (LLD and GNU ld do) or written into it; it must be
  // there and must not be empty, or the linker failed without saying so.
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status))
    return fileError(Output, "the linker wrote no output: " + EC.message());
  if (Status.getSize() == 0)
    return fileError(Output, "the linker wrote an empty output");

  struct stat St;
  if (::stat(Output.c_str(), &St) == 0) {
    if (S_ISDIR(St.st_mode))
      return fileError(Output, "is a directory, expected an output file");
    if (!S_ISREG(St.st_mode)) {
      // Renaming over a device node as root would destroy it: copy the bytes instead.
      auto Bytes = readFile(Path);
      if (!Bytes)
        return Bytes.takeError();
      return writeFileAtomically(Output, (*Bytes)->getBuffer());
    }
  }

  // A linker that wrote into the temporary file in place leaves createUniqueFile's 0600; an
  // output is a build product that others may read, like the files FileIO writes.
  mode_t Mask = ::umask(0);
  ::umask(Mask);
  ::chmod(Path.c_str(), 0666 & ~Mask);

  if (std::error_code EC = llvm::sys::fs::rename(Path, Output))
    return fileError(Output, "cannot rename the temporary file into place: " + EC.message());
  Committed = true;
  return llvm::Error::success();
}

std::string TempOutput::mentionOutput(std::string Message) const {
  for (size_t Pos = Message.find(Path); Pos != std::string::npos;
       Pos = Message.find(Path, Pos + Output.size()))
    Message.replace(Pos, Path.size(), Output);
  return Message;
}

std::string firstDiagnosticLine(llvm::StringRef Text, llvm::StringRef ProgramName) {
  llvm::SmallVector<llvm::StringRef, 8> Lines;
  Text.split(Lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  llvm::StringRef Chosen;
  for (llvm::StringRef Line : Lines) {
    Line = Line.trim();
    if (Line.empty())
      continue;
    if (Chosen.empty())
      Chosen = Line;
    if (!Line.contains("warning:")) {
      Chosen = Line;
      break;
    }
  }
  // "/usr/bin/ld: ...", "ld.lld: ..." or GNU ld's "ld:script.lds:1: ...": the program name
  // says nothing the caller's message does not already say.
  for (llvm::StringRef Prefix : {ProgramName, llvm::sys::path::filename(ProgramName)}) {
    if (!Prefix.empty() && Chosen.starts_with(Prefix) &&
        Chosen.drop_front(Prefix.size()).starts_with(":")) {
      Chosen = Chosen.drop_front(Prefix.size() + 1).ltrim();
      break;
    }
  }
  Chosen.consume_front("error: ");
  return Chosen.str();
}

} // namespace modver
