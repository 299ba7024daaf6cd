#include "Support/FileIO.h"

#include "Support/Error.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace modver {

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef Path) {
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status))
    return fileError(Path, EC.message());
  if (Status.type() == llvm::sys::fs::file_type::directory_file)
    return fileError(Path, "is a directory, expected a file");
  auto Buf = llvm::MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false);
  if (!Buf)
    return fileError(Path, Buf.getError().message());
  return std::move(*Buf);
}

// raw_fd_ostream aborts the process if it is destroyed with an unreported write error; when
// the output is being abandoned anyway, flush what is buffered and forget the error.
static void discardPending(llvm::raw_fd_ostream &OS) {
  OS.flush();
  OS.clear_error();
}

// Flush (and, for a file we own, close) OS; a write error such as a full disk becomes
// "<path>: write failed: <why>".
static llvm::Error finishWrite(llvm::raw_fd_ostream &OS, llvm::StringRef Path, bool Close) {
  if (Close)
    OS.close();
  else
    OS.flush();
  if (!OS.has_error())
    return llvm::Error::success();
  std::string Msg = OS.error().message();
  OS.clear_error();
  return fileError(Path, "write failed: " + Msg);
}

// Write straight to a path that is a device, a pipe or a terminal.
static llvm::Error writeDirect(llvm::StringRef Path,
                               const std::function<llvm::Error(llvm::raw_ostream &)> &Fill) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_None);
  if (EC)
    return fileError(Path, "cannot open for writing: " + EC.message());
  if (llvm::Error E = Fill(OS)) {
    discardPending(OS);
    return E;
  }
  return finishWrite(OS, Path, /*Close=*/false);
}

llvm::Error writeFileAtomically(llvm::StringRef Path,
                                const std::function<llvm::Error(llvm::raw_ostream &)> &Fill) {
  if (Path == "-")
    return writeDirect(Path, Fill);
  struct stat St;
  if (::stat(Path.str().c_str(), &St) == 0) {
    if (S_ISDIR(St.st_mode))
      return fileError(Path, "is a directory, expected an output file");
    if (!S_ISREG(St.st_mode))
      return writeDirect(Path, Fill);
  }

  llvm::SmallString<256> Dir(Path);
  llvm::sys::path::remove_filename(Dir);
  if (Dir.empty())
    Dir = ".";
  llvm::SmallString<256> Model(Dir);
  llvm::sys::path::append(Model, "." + llvm::sys::path::filename(Path) + ".tmp-%%%%%%");
  int FD;
  llvm::SmallString<256> TempPath;
  // Mode 0666 minus the umask, like any file a build writes (not a temp file's 0600).
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(
          Model, FD, TempPath, llvm::sys::fs::OF_None,
          llvm::sys::fs::all_read | llvm::sys::fs::all_write))
    return fileError(Path, "cannot create a temporary file in '" + Dir + "': " + EC.message());

  llvm::Error Result = [&]() -> llvm::Error {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    if (llvm::Error E = Fill(OS)) {
      discardPending(OS);
      return E;
    }
    if (llvm::Error E = finishWrite(OS, Path, /*Close=*/true))
      return E;
    if (std::error_code EC = llvm::sys::fs::rename(TempPath, Path))
      return fileError(Path, "cannot rename the temporary file into place: " + EC.message());
    return llvm::Error::success();
  }();
  if (Result)
    llvm::sys::fs::remove(TempPath);
  return Result;
}

llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Bytes) {
  return writeFileAtomically(Path, [&](llvm::raw_ostream &OS) {
    OS << Bytes;
    return llvm::Error::success();
  });
}

} // namespace modver
