// The temporary file a linker writes instead of the real output (internal to Relink).
//
// Linkers open their output path themselves, so the atomic-write helper of Support/FileIO.h
// (which wants to be handed the bytes) does not fit. Instead the linker is pointed at a fresh
// file next to the output, in the same folder so that the final rename stays inside one file
// system, and the file is renamed over the output once the link has succeeded.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace modver {

class TempOutput {
public:
  // Create "<dir>/.<name>.relink-XXXXXX" next to OutputPath.
  static llvm::Expected<TempOutput> create(llvm::StringRef OutputPath);

  TempOutput(TempOutput &&Other) noexcept;
  TempOutput(const TempOutput &) = delete;
  TempOutput &operator=(const TempOutput &) = delete;
  TempOutput &operator=(TempOutput &&) = delete;
  // Removes the temporary file unless commit() succeeded.
  ~TempOutput();

  const std::string &path() const { return Path; }
  const std::string &outputPath() const { return Output; }

  // Move the finished file into place. An output that exists and is not a regular file
  // (/dev/null, a pipe) is written to instead of renamed over.
  llvm::Error commit();

  // Replace every mention of the temporary path in a linker's message with the output path,
  // so that the user reads about the file they asked for.
  std::string mentionOutput(std::string Message) const;

private:
  TempOutput(std::string Path, std::string Output)
      : Path(std::move(Path)), Output(std::move(Output)) {}

  std::string Path;
  std::string Output;
  bool Committed = false;
};

// The line of a linker's diagnostic output worth showing in a one-line error: the first line
// that is not a warning (or the first line, if all are), without the "<program>: " prefix the
// linker puts in front (ProgramName as invoked, or its file name) and without "error: ".
// Empty if Text has no non-blank line.
std::string firstDiagnosticLine(llvm::StringRef Text, llvm::StringRef ProgramName);

} // namespace modver
