#include "Support/TempFile.h"

#include "Support/Error.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

namespace modver {

llvm::Expected<TempFile> TempFile::reserve(llvm::StringRef Model, llvm::StringRef Suffix) {
  llvm::SmallString<128> Path;
  int FD;
  if (std::error_code EC =
          llvm::sys::fs::createTemporaryFile("modver-" + Model, Suffix, FD, Path))
    return llvm::createStringError(EC, "cannot create a temporary file: " + EC.message());
  ::close(FD);
  return TempFile(std::string(Path));
}

llvm::Expected<TempFile> TempFile::create(llvm::StringRef Model, llvm::StringRef Suffix,
                                          llvm::StringRef Contents) {
  auto File = reserve(Model, Suffix);
  if (!File)
    return File.takeError();
  std::error_code EC;
  llvm::raw_fd_ostream OS(File->path(), EC);
  if (EC)
    return fileError(File->path(), "cannot write a temporary file: " + EC.message());
  OS << Contents;
  OS.close();
  if (OS.has_error()) {
    std::string Msg = OS.error().message();
    OS.clear_error();
    return fileError(File->path(), "cannot write a temporary file: " + Msg);
  }
  return File;
}

TempFile &TempFile::operator=(TempFile &&O) noexcept {
  if (this != &O) {
    if (!Path.empty())
      llvm::sys::fs::remove(Path);
    Path = std::move(O.Path);
    O.Path.clear();
  }
  return *this;
}

TempFile::~TempFile() {
  if (!Path.empty())
    llvm::sys::fs::remove(Path);
}

} // namespace modver
