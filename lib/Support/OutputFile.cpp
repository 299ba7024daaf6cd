#include "Support/OutputFile.h"

#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/SignalCleanup.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <climits>
#include <sys/stat.h>
#include <unistd.h>

namespace modver {

// Room left in the temporary's name for LLD's FileOutputBuffer, which writes
// "<its output>.tmpXXXXXXX" (11 characters) beside the output it is given.
static constexpr size_t LinkerSuffixRoom = 16;
static constexpr llvm::StringLiteral TempSuffix = ".modver-%%%%%%";

// ".<name>.modver-XXXXXX" in Dir, Name cut so that the whole stays within NAME_MAX.
static std::string tempModel(llvm::StringRef Dir, llvm::StringRef Name) {
  size_t Room = NAME_MAX - 1 - TempSuffix.size() - LinkerSuffixRoom;
  llvm::SmallString<256> Model(Dir);
  llvm::sys::path::append(Model, "." + Name.take_front(Room) + TempSuffix);
  return std::string(Model);
}

// Where the content of an output named Path goes. A symbolic link is written through (cp and a
// shell redirection do the same; renaming over it would replace the link), its chain followed
// by hand so that a dangling link gets its target created. A path that is or leads into /proc
// (/dev/stdout -> /proc/self/fd/1) names an already open file, not a folder to put a
// temporary file in: it is written directly.
struct OutputTarget {
  std::string Path;
  bool IntoProc = false;
};
static OutputTarget resolveOutput(llvm::StringRef Path) {
  OutputTarget T{Path.str()};
  for (int Hops = 0; Hops < 40; ++Hops) {
    if (llvm::StringRef(T.Path).starts_with("/proc/")) {
      T.IntoProc = true;
      return T;
    }
    struct stat St;
    if (::lstat(T.Path.c_str(), &St) != 0 || !S_ISLNK(St.st_mode))
      return T;
    char Buf[PATH_MAX];
    ssize_t N = ::readlink(T.Path.c_str(), Buf, sizeof Buf);
    if (N <= 0 || size_t(N) >= sizeof Buf)
      return T;
    llvm::StringRef Link(Buf, size_t(N));
    if (llvm::sys::path::is_absolute(Link)) {
      T.Path = Link.str();
    } else {
      llvm::SmallString<256> Next(llvm::sys::path::parent_path(T.Path));
      llvm::sys::path::append(Next, Link);
      T.Path = std::string(Next);
    }
  }
  return T; // a loop: creating the temporary or renaming will say so
}

llvm::Expected<OutputFile> OutputFile::create(llvm::StringRef Path, OutputOptions Options) {
  if (Path.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no output path given");
  bool Direct = Options.Dash && Path == "-";
  OutputTarget Target{Path.str()};
  if (!Direct) {
    Target = resolveOutput(Path);
    Direct = Target.IntoProc;
  }
  std::optional<unsigned> KeptMode;
  struct stat St;
  if (!Direct && ::stat(Target.Path.c_str(), &St) == 0) {
    if (S_ISDIR(St.st_mode))
      return fileError(Path, "is a directory, expected an output file");
    Direct = !S_ISREG(St.st_mode);
    if (!Direct && Options.KeepMode)
      KeptMode = St.st_mode & 07777;
  }

  llvm::SmallString<256> Dir;
  if (Direct) {
    llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, Dir);
  } else {
    Dir = Target.Path;
    llvm::sys::path::remove_filename(Dir);
    if (Dir.empty())
      Dir = ".";
  }
  // Created with 0666: the kernel applies the umask (or the folder's default ACL), which is
  // exactly what any new build product gets, without reading the process umask.
  std::string Model;
  if (Direct) {
    llvm::sys::path::append(Dir, "modver-out-%%%%%%");
    Model = std::string(Dir);
    llvm::sys::path::remove_filename(Dir);
  } else {
    Model = tempModel(Dir, llvm::sys::path::filename(Target.Path));
  }
  CreationWindow Window; // see SignalCleanup.h
  auto Temp =
      llvm::sys::fs::TempFile::create(Model, llvm::sys::fs::all_read | llvm::sys::fs::all_write);
  if (!Temp)
    return fileError(Path, "cannot create a temporary file in '" + Dir +
                               "': " + llvm::toString(Temp.takeError()));
  unsigned Mode = 0644;
  if (KeptMode)
    Mode = *KeptMode;
  else if (::fstat(Temp->FD, &St) == 0)
    Mode = St.st_mode & 07777;
  return OutputFile(Path.str(), std::move(Target.Path), std::move(*Temp), Mode, Direct);
}

OutputFile::OutputFile(OutputFile &&Other) noexcept
    : Path(std::move(Other.Path)), Target(std::move(Other.Target)), Temp(std::move(Other.Temp)),
      Mode(Other.Mode), Direct(Other.Direct) {
  Other.Temp.reset();
}

OutputFile::~OutputFile() {
  if (Temp)
    llvm::consumeError(Temp->discard());
}

// Flush (and close) OS; a write error such as a full disk becomes "<path>: write failed: <why>".
// raw_fd_ostream aborts the process if destroyed with an unreported error, so it is cleared.
static llvm::Error finishStream(llvm::raw_fd_ostream &OS, llvm::StringRef Path) {
  OS.flush();
  if (!OS.has_error())
    return llvm::Error::success();
  std::string Msg = OS.error().message();
  OS.clear_error();
  return fileError(Path, "write failed: " + Msg);
}

llvm::Error OutputFile::write(const std::function<llvm::Error(llvm::raw_ostream &)> &Fill) {
  llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
  if (llvm::Error E = Fill(OS)) {
    OS.flush();
    OS.clear_error();
    return E;
  }
  return finishStream(OS, Path);
}

llvm::Error OutputFile::commit() {
  if (Direct) {
    auto Bytes = readInputFile(Temp->TmpName);
    if (!Bytes)
      return Bytes.takeError();
    llvm::Error Result = [&]() -> llvm::Error {
      if (Path == "-") {
        llvm::outs() << (*Bytes)->getBuffer();
        return finishStream(llvm::outs(), "standard output");
      }
      std::error_code EC;
      llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_None);
      if (EC)
        return fileError(Path, "cannot open for writing: " + EC.message());
      OS << (*Bytes)->getBuffer();
      return finishStream(OS, Path);
    }();
    llvm::consumeError(Temp->discard());
    Temp.reset();
    return Result;
  }
  // A linker may have replaced the temporary file with one of its own and another mode.
  if (::chmod(Temp->TmpName.c_str(), Mode) != 0)
    return fileError(Path, "cannot set the mode of the temporary file: " +
                               std::error_code(errno, std::generic_category()).message());
  // Renamed here rather than by TempFile::keep(Name), which falls back to copying.
  if (std::error_code EC = llvm::sys::fs::rename(Temp->TmpName, Target))
    return fileError(Path, "cannot rename the temporary file into place: " + EC.message());
  llvm::consumeError(Temp->keep()); // closes it and forgets it for the signal handler
  Temp.reset();
  return llvm::Error::success();
}

llvm::Error writeFileAtomically(llvm::StringRef Path,
                                const std::function<llvm::Error(llvm::raw_ostream &)> &Fill,
                                OutputOptions Options) {
  auto Out = OutputFile::create(Path, Options);
  if (!Out)
    return Out.takeError();
  if (llvm::Error E = Out->write(Fill))
    return E;
  return Out->commit();
}

llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Bytes,
                                OutputOptions Options) {
  return writeFileAtomically(
      Path,
      [&](llvm::raw_ostream &OS) {
        OS << Bytes;
        return llvm::Error::success();
      },
      Options);
}

} // namespace modver
