// readInputFile, the one door every input goes through, on what a path can be. A fuzz input is
// bytes, never a FIFO or a device, so this target makes the node itself: the first byte picks
// what stands at the path (a regular file holding the rest of the input, a FIFO nobody writes
// to, a directory, a socket, symbolic links to each and to /dev/null and /dev/zero, a dangling
// link, a link loop, or standard input fed from a pipe), the second the size limit. A regular
// file within the limit must come back byte for byte; anything else must be refused with one
// line naming the path, at once (a blocked open or an endless read is a libFuzzer timeout or
// out-of-memory finding).
#include "FuzzCommon.h"
#include "Support/InputFile.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

enum Kind {
  Regular,
  LinkToRegular,
  Fifo,
  LinkToFifo,
  Directory,
  Socket,
  DevNull,
  DevZero,
  Dangling,
  LinkLoop,
  Stdin,
  KindCount
};

// A folder of this process's own, made once; every node is removed after its run.
const std::string &scratch() {
  static std::string Dir = [] {
    const char *T = getenv("TMPDIR");
    std::string Tmpl = std::string(T && *T ? T : "/tmp") + "/modver-fuzz-input-XXXXXX";
    if (!mkdtemp(Tmpl.data()))
      abort();
    return Tmpl;
  }();
  return Dir;
}

void writeAll(int Fd, llvm::StringRef Bytes) {
  while (!Bytes.empty()) {
    ssize_t N = write(Fd, Bytes.data(), Bytes.size());
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      abort();
    Bytes = Bytes.drop_front(size_t(N));
  }
}

// Make Kind at Path (a second name, Other, for links). False when this machine cannot.
bool make(Kind K, const std::string &Path, const std::string &Other, llvm::StringRef Content) {
  switch (K) {
  case Regular:
  case LinkToRegular: {
    const std::string &File = K == Regular ? Path : Other;
    int Fd = open(File.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (Fd < 0)
      return false;
    writeAll(Fd, Content);
    close(Fd);
    return K == Regular || symlink(Other.c_str(), Path.c_str()) == 0;
  }
  case Fifo:
    return mkfifo(Path.c_str(), 0600) == 0;
  case LinkToFifo:
    return mkfifo(Other.c_str(), 0600) == 0 && symlink(Other.c_str(), Path.c_str()) == 0;
  case Directory:
    return mkdir(Path.c_str(), 0700) == 0;
  case Socket: {
    int S = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un A = {};
    A.sun_family = AF_UNIX;
    if (S < 0 || Path.size() >= sizeof A.sun_path)
      return false;
    memcpy(A.sun_path, Path.c_str(), Path.size() + 1);
    bool Ok = bind(S, reinterpret_cast<sockaddr *>(&A), sizeof A) == 0;
    close(S); // the node stays; nobody listens
    return Ok;
  }
  case DevNull:
    return symlink("/dev/null", Path.c_str()) == 0;
  case DevZero:
    return symlink("/dev/zero", Path.c_str()) == 0;
  case Dangling:
    return symlink(Other.c_str(), Path.c_str()) == 0;
  case LinkLoop:
    return symlink(Other.c_str(), Path.c_str()) == 0 && symlink(Path.c_str(), Other.c_str()) == 0;
  case Stdin:
  case KindCount:
    break;
  }
  return false;
}

void removeNode(const std::string &P) {
  struct stat St;
  if (lstat(P.c_str(), &St) != 0)
    return;
  if (S_ISDIR(St.st_mode))
    rmdir(P.c_str());
  else
    unlink(P.c_str());
}

// Standard input fed from a pipe holding Content (cut to what the pipe holds without a
// reader), read through "-", and fd 0 put back.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readThroughStdin(llvm::StringRef &Content,
                                                                     uint64_t Limit) {
  int P[2];
  if (pipe2(P, O_CLOEXEC) != 0)
    abort();
  Content = Content.take_front(size_t(fcntl(P[1], F_GETPIPE_SZ)));
  writeAll(P[1], Content);
  close(P[1]);
  int Saved = dup(0);
  dup2(P[0], 0);
  close(P[0]);
  auto Buf = modver::readInputFile("-", Limit);
  dup2(Saved, 0);
  close(Saved);
  return Buf;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  if (Size < 2)
    return 0;
  Kind K = Kind(Data[0] % KindCount);
  uint64_t Limit = Data[1] == 0xff ? UINT64_MAX : uint64_t(1) << (Data[1] % 20);
  llvm::StringRef Content = bytes(Data + 2, Size - 2);
  std::string Path = scratch() + "/" + FuzzFileName, Other = scratch() + "/other";

  bool Readable = K == Regular || K == LinkToRegular || K == Stdin;
  std::string Named = K == Stdin ? "<stdin>" : Path;
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Buf = nullptr;
  if (K == Stdin) {
    Buf = readThroughStdin(Content, Limit);
  } else {
    if (!make(K, Path, Other, Content)) {
      removeNode(Path);
      removeNode(Other);
      return 0;
    }
    Buf = modver::readInputFile(Path, Limit);
    removeNode(Path);
    removeNode(Other);
  }

  bool Fits = Readable && Content.size() <= Limit;
  if (Buf) {
    if (!Fits || (*Buf)->getBuffer() != Content) {
      fprintf(stderr, "kind %d, limit %llu: read %zu bytes of a %zu-byte input\n", int(K),
              (unsigned long long)Limit, (*Buf)->getBufferSize(), Content.size());
      abort();
    }
    return 0;
  }
  std::string Msg = llvm::toString(Buf.takeError());
  if (Fits) {
    fprintf(stderr, "kind %d: a readable input within the limit was refused: %s\n", int(K),
            Msg.c_str());
    abort();
  }
  checkError(llvm::createStringError(llvm::inconvertibleErrorCode(), Msg), Named);
  return 0;
}
