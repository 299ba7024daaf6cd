#include "Relink/LinkerOutput.h"

#include "Support/Error.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace modver {

llvm::Error commitLinkerOutput(OutputFile &Out) {
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Out.tempPath(), Status))
    return fileError(Out.path(), "the linker wrote no output: " + EC.message());
  if (Status.getSize() == 0)
    return fileError(Out.path(), "the linker wrote an empty output");
  return Out.commit();
}

std::string mentionOutput(std::string Message, const OutputFile &Out) {
  const std::string &Temp = Out.tempPath();
  for (size_t Pos = Message.find(Temp); Pos != std::string::npos;
       Pos = Message.find(Temp, Pos + Out.path().size()))
    Message.replace(Pos, Temp.size(), Out.path());
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
