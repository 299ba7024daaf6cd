// A file that exists for as long as the object does: what a linker needs when the bytes it
// must read (a decompressed module, a generated versions object) are only in memory.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace modver {

class TempFile {
public:
  // A new file in $TMPDIR named after Model ("versions" -> ".../modver-versions-XXXXXX.o")
  // holding Contents.
  static llvm::Expected<TempFile> create(llvm::StringRef Model, llvm::StringRef Suffix,
                                         llvm::StringRef Contents);
  // A new, empty file name in $TMPDIR that nothing holds yet (for a program to write).
  static llvm::Expected<TempFile> reserve(llvm::StringRef Model, llvm::StringRef Suffix);

  TempFile(TempFile &&O) noexcept : Path(std::move(O.Path)) { O.Path.clear(); }
  TempFile &operator=(TempFile &&O) noexcept;
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;
  ~TempFile();

  const std::string &path() const { return Path; }

private:
  explicit TempFile(std::string Path) : Path(std::move(Path)) {}
  std::string Path;
};

} // namespace modver
