#include "Support/InputFile.h"

#include "Support/Error.h"
#include "Support/MallocBuffer.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace modver {

namespace {

const char *kindOf(mode_t Mode) {
  if (S_ISDIR(Mode))
    return "is a directory, expected a file";
  if (S_ISFIFO(Mode))
    return "is a FIFO, not a regular file";
  if (S_ISCHR(Mode))
    return "is a character device, not a regular file";
  if (S_ISBLK(Mode))
    return "is a block device, not a regular file";
  if (S_ISSOCK(Mode))
    return "is a socket, not a regular file";
  return "is not a regular file";
}

// An open descriptor, closed on every path out.
struct Fd {
  int N = -1;
  ~Fd() {
    if (N >= 0)
      ::close(N);
  }
};

// Open Path for reading without blocking (a FIFO with no writer would block a plain open) and
// make sure it is a regular file: the check is on what was opened, so a path swapped between
// a stat and the open cannot slip through.
llvm::Error openRegular(llvm::StringRef Path, Fd &F, struct stat &St) {
  std::string P = Path.str();
  do
    F.N = ::open(P.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  while (F.N < 0 && errno == EINTR);
  if (F.N < 0)
    return fileError(Path, std::strerror(errno));
  if (::fstat(F.N, &St) != 0)
    return fileError(Path, std::strerror(errno));
  if (!S_ISREG(St.st_mode))
    return fileError(Path, kindOf(St.st_mode));
  return llvm::Error::success();
}

llvm::Error tooLarge(llvm::StringRef Path, uint64_t Size, uint64_t Max) {
  return fileError(Path, llvm::Twine(Size) + " bytes, more than the limit of " + llvm::Twine(Max) +
                             " bytes for such an input");
}

// Standard input, read in chunks into a buffer that grows with realloc (in steps of at most
// 64 MiB, never past Max + 1): a pipe that never ends (`< /dev/zero`) is refused once it has
// given Max + 1 bytes, the rest is never read.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readStdin(uint64_t Max) {
  constexpr size_t Chunk = 64 << 10, MaxStep = size_t(64) << 20;
  const size_t HardCap = size_t(std::min<uint64_t>(Max, SIZE_MAX / 2 - Chunk)) + 1;
  struct Owned {
    char *P = nullptr;
    ~Owned() { std::free(P); }
  } Data;
  size_t Used = 0, Cap = 0;
  for (;;) {
    if (Cap - Used < Chunk && Cap < HardCap) {
      size_t NewCap = std::min(Cap + std::max(std::min(Cap, MaxStep), Chunk), HardCap);
      char *New = static_cast<char *>(std::realloc(Data.P, NewCap));
      if (!New)
        return fileError("<stdin>", "out of memory reading it");
      Data.P = New;
      Cap = NewCap;
    }
    ssize_t N = ::read(0, Data.P + Used, Cap - Used);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return fileError("<stdin>", std::strerror(errno));
    Used += size_t(N);
    if (Used > Max)
      return fileError("<stdin>", "more than the limit of " + llvm::Twine(Max) +
                                      " bytes for such an input (standard input is held in "
                                      "memory; give a large input as a file)");
    if (N == 0)
      break;
  }
  std::unique_ptr<llvm::MemoryBuffer> Buf = std::make_unique<MallocBuffer>(Data.P, Used, "<stdin>");
  Data.P = nullptr;
  return Buf;
}

} // namespace

llvm::Error checkInputFile(llvm::StringRef Path) {
  Fd F;
  struct stat St;
  return openRegular(Path, F, St);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readInputFile(llvm::StringRef Path,
                                                                  uint64_t MaxSize) {
  if (Path == "-")
    return readStdin(std::min(MaxSize, MaxStdinSize));
  Fd F;
  struct stat St;
  if (llvm::Error E = openRegular(Path, F, St))
    return E;
  if (uint64_t(St.st_size) > MaxSize)
    return tooLarge(Path, uint64_t(St.st_size), MaxSize);
  auto Buf = llvm::MemoryBuffer::getOpenFile(F.N, Path, uint64_t(St.st_size),
                                             /*RequiresNullTerminator=*/false);
  if (!Buf)
    return fileError(Path, Buf.getError().message());
  return std::move(*Buf);
}

llvm::Error checkOutputIsNotAnInput(llvm::StringRef Output, llvm::ArrayRef<std::string> Inputs) {
  struct stat Out;
  if (Output == "-" || ::stat(Output.str().c_str(), &Out) != 0)
    return llvm::Error::success();
  for (const std::string &In : Inputs) {
    struct stat St;
    if (In == "-" || ::stat(In.c_str(), &St) != 0)
      continue;
    if (St.st_dev == Out.st_dev && St.st_ino == Out.st_ino)
      return fileError(Output, In == Output ? std::string("is also an input")
                                            : "is also an input (as " + In + ")");
  }
  return llvm::Error::success();
}

} // namespace modver
