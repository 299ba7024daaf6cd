#include "Support/TempFile.h"

#include "Support/Error.h"
#include "Support/SignalCleanup.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <unistd.h>

namespace modver {

llvm::Expected<TempFile> TempFile::reserve(llvm::StringRef Model, llvm::StringRef Suffix) {
  CreationWindow Window;
  llvm::SmallString<128> Path;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, Path);
  llvm::sys::path::append(Path, "modver-" + Model + "-%%%%%%." + Suffix);
  // Private to this user, like createTemporaryFile's files: they may hold a whole module.
  auto F =
      llvm::sys::fs::TempFile::create(Path, llvm::sys::fs::owner_read | llvm::sys::fs::owner_write);
  // The folder is named: it comes from $TMPDIR, which the user may not know is set (or
  // points at a folder that is gone or full).
  if (!F)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "cannot create a temporary file in '" + llvm::sys::path::parent_path(Path) + "'" +
            (::getenv("TMPDIR") ? " ($TMPDIR)" : "") + ": " + llvm::toString(F.takeError()));
  // Only the name is needed from here on; a batch holds many of these at once.
  ::close(F->FD);
  F->FD = -1;
  return TempFile(std::move(*F));
}

llvm::Expected<TempFile> TempFile::create(llvm::StringRef Model, llvm::StringRef Suffix,
                                          llvm::StringRef Contents) {
  // Until the contents are written: a signal's removal pass between reserve() and the write
  // would otherwise see the file re-created by the write, unregistered.
  CreationWindow Window;
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

TempFile::TempFile(TempFile &&O) noexcept : File(std::move(O.File)) { O.File.reset(); }

TempFile &TempFile::operator=(TempFile &&O) noexcept {
  if (this != &O) {
    discard();
    File = std::move(O.File);
    O.File.reset();
  }
  return *this;
}

void TempFile::discard() {
  if (File)
    llvm::consumeError(File->discard());
  File.reset();
}

TempFile::~TempFile() { discard(); }

} // namespace modver
