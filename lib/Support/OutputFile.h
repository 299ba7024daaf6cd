// The one way modver writes an output file: atomically, and never leaving a temporary behind
// on an error, SIGINT or SIGTERM.
//
// The content goes to a temporary file beside the output (same folder, so the final rename
// stays in one file system), made with llvm::sys::fs::TempFile, which registers it for removal
// when the process dies of a signal. commit() renames it over the output. Kept rules:
// - "-" is standard output when the caller says so (OutputOptions::Dash).
// - An output that is a symbolic link is written through it: the link stays, the file it names
//   is replaced (a dangling link's target is created). A path into /proc (/dev/stdout, /dev/fd/N)
//   is written to, never renamed over.
// - An output that exists and is not a regular file (/dev/null, a pipe, a terminal) is written
//   to, not renamed over: renaming over a device node as root destroys it. Its temporary file
//   is in $TMPDIR, since the device's folder (/dev) is rarely writable.
// - A new output gets 0666 minus the umask (what the kernel gives a file created with 0666, so
//   the process umask is never read or changed); with OutputOptions::KeepMode an existing file
//   keeps its permission bits (--in-place: a 0444 module stays 0444).
// - The temporary name is ".<output name>.modver-XXXXXX", the output name shortened so that
//   the temporary's name (and LLD's own ".tmpXXXXXXX" beside it) stays within NAME_MAX.
// SIGKILL cannot be caught: a killed process leaves at most one such file per output being
// written, recognisable by its name (docs/exit-codes.md).
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

#include <functional>
#include <optional>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace modver {

struct OutputOptions {
  bool Dash = false;     // "-" means standard output
  bool KeepMode = false; // an existing regular output keeps its permission bits
};

class OutputFile {
public:
  // Start writing Path: checks it is not a folder and creates the temporary file.
  static llvm::Expected<OutputFile> create(llvm::StringRef Path, OutputOptions Options = {});

  OutputFile(OutputFile &&Other) noexcept;
  OutputFile &operator=(OutputFile &&) = delete;
  OutputFile(const OutputFile &) = delete;
  // Removes the temporary file unless commit() succeeded.
  ~OutputFile();

  // The output as named, and the file that holds the content until commit(). A program (a
  // linker) may write tempPath() itself, or replace it with a file of its own.
  const std::string &path() const { return Path; }
  const std::string &tempPath() const { return Temp->TmpName; }

  // Write the content with Fill; errors of the stream (disk full) name the output.
  llvm::Error write(const std::function<llvm::Error(llvm::raw_ostream &)> &Fill);

  // Put the content in place: rename (with the output's mode) or copy to a device/stdout.
  llvm::Error commit();

private:
  OutputFile(std::string Path, std::string Target, llvm::sys::fs::TempFile Temp, unsigned Mode,
             bool Direct)
      : Path(std::move(Path)), Target(std::move(Target)), Temp(std::move(Temp)), Mode(Mode),
        Direct(Direct) {}

  std::string Path;
  std::string Target; // what the rename replaces: Path, or the file a symbolic link Path names
  std::optional<llvm::sys::fs::TempFile> Temp; // empty once committed or discarded
  unsigned Mode;                               // the permission bits the output gets
  bool Direct; // copied to the existing device (or stdout), not renamed
};

// Write Path atomically with OutputFile: Fill writes the content; on any failure the output
// is left as it was.
llvm::Error writeFileAtomically(llvm::StringRef Path,
                                const std::function<llvm::Error(llvm::raw_ostream &)> &Fill,
                                OutputOptions Options = {});
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Bytes,
                                OutputOptions Options = {});

} // namespace modver
