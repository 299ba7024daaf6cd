// A file in $TMPDIR that exists for as long as the object does: what a linker needs when the
// bytes it must read (a decompressed module, a generated versions object) are only in memory,
// or a place for a program to write what is read back (a linker's messages).
//
// Made with llvm::sys::fs::TempFile, so it is also removed when the process dies of SIGINT,
// SIGTERM or another signal LLVM handles; it is named "modver-<model>-XXXXXX.<suffix>".
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

#include <optional>
#include <string>

namespace modver {

class TempFile {
public:
  // A new file ("versions" -> "$TMPDIR/modver-versions-XXXXXX.o") holding Contents.
  static llvm::Expected<TempFile> create(llvm::StringRef Model, llvm::StringRef Suffix,
                                         llvm::StringRef Contents);
  // A new, empty file, for a program to write.
  static llvm::Expected<TempFile> reserve(llvm::StringRef Model, llvm::StringRef Suffix);

  TempFile(TempFile &&O) noexcept;
  TempFile &operator=(TempFile &&O) noexcept;
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;
  ~TempFile();

  const std::string &path() const { return File->TmpName; }

private:
  explicit TempFile(llvm::sys::fs::TempFile F) : File(std::move(F)) {}
  void discard();
  std::optional<llvm::sys::fs::TempFile> File;
};

} // namespace modver
