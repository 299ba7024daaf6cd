// Helpers for BadInputTest: running a tool in a child with resource limits, patching ELF
// objects, and snapshots of files that must not change.
#pragma once

#include "Fixture.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <linux/capability.h>
#include <map>
#include <optional>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define MODVER_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MODVER_TEST_UNDER_ASAN 1
#endif
#endif

namespace modver::test {

#ifdef MODVER_TEST_UNDER_ASAN
// ASan reserves terabytes of address space for its shadow: RLIMIT_AS cannot be used.
inline constexpr bool UnderAsan = true;
#else
inline constexpr bool UnderAsan = false;
#endif

struct ChildLimits {
  uint64_t AddressSpace = 0; // RLIMIT_AS in bytes; 0: unlimited
  uint64_t FileSize = 0;     // RLIMIT_FSIZE in bytes; 0: unlimited
  // Run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so that a chmod 000 file or folder
  // is unreadable to a child run by root too.
  bool NoFileOverride = false;
  unsigned WallSeconds = 0;        // SIGALRM after this long (a blocked open becomes a failure)
  std::string Stdin = "/dev/null"; // what standard input reads (/dev/zero: an endless pipe)
};

struct ChildResult {
  int ExitCode = -1; // -1 when killed by a signal
  int Signal = 0;
  std::string Stdout, Stderr;
  long MaxRssKiB = 0;
};

// Run Argv[0] (a path) with Argv in a child under Limits; SIGXFSZ is ignored there so a write
// past RLIMIT_FSIZE fails with EFBIG like a write to a full disk, instead of killing the child.
inline ChildResult runLimited(const TempDir &Scratch, const std::vector<std::string> &Argv,
                              const ChildLimits &Limits = {}) {
  ChildResult R;
  std::string OutPath = Scratch.file("child.stdout"), ErrPath = Scratch.file("child.stderr");
  pid_t Pid = fork();
  if (Pid < 0) {
    ADD_FAILURE() << "fork: " << strerror(errno);
    return R;
  }
  if (Pid == 0) {
    int In = open(Limits.Stdin.c_str(), O_RDONLY);
    int Out = open(OutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int Err = open(ErrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (In < 0 || Out < 0 || Err < 0)
      _exit(127);
    dup2(In, 0);
    dup2(Out, 1);
    dup2(Err, 2);
    signal(SIGXFSZ, SIG_IGN);
    if (Limits.AddressSpace) {
      struct rlimit L = {Limits.AddressSpace, Limits.AddressSpace};
      setrlimit(RLIMIT_AS, &L);
    }
    if (Limits.FileSize) {
      struct rlimit L = {Limits.FileSize, Limits.FileSize};
      setrlimit(RLIMIT_FSIZE, &L);
    }
    // Dropped from the bounding set: root's capabilities after execv come from it.
    if (Limits.NoFileOverride && (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
                                  prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0))
      _exit(126);
    if (Limits.WallSeconds)
      alarm(Limits.WallSeconds); // kept across execv
    std::vector<char *> Args;
    for (const std::string &A : Argv)
      Args.push_back(const_cast<char *>(A.c_str()));
    Args.push_back(nullptr);
    execv(Args[0], Args.data());
    _exit(127);
  }
  int Status = 0;
  struct rusage Usage;
  memset(&Usage, 0, sizeof Usage);
  while (wait4(Pid, &Status, 0, &Usage) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(Status))
    R.ExitCode = WEXITSTATUS(Status);
  else if (WIFSIGNALED(Status))
    R.Signal = WTERMSIG(Status);
  R.MaxRssKiB = Usage.ru_maxrss;
  R.Stdout = readWhole(OutPath);
  R.Stderr = readWhole(ErrPath);
  return R;
}

// What a path is and holds, to tell afterwards that nothing touched it.
struct FileSnapshot {
  bool Exists = false;
  mode_t Type = 0;
  std::string Bytes; // regular files only
  struct timespec Mtime = {0, 0};
  ino_t Inode = 0;

  static FileSnapshot of(const std::string &Path) {
    FileSnapshot S;
    struct stat St;
    if (::stat(Path.c_str(), &St) != 0)
      return S;
    S.Exists = true;
    S.Type = St.st_mode & S_IFMT;
    S.Mtime = St.st_mtim;
    S.Inode = St.st_ino;
    if (S_ISREG(St.st_mode))
      S.Bytes = readWhole(Path);
    return S;
  }
  bool operator==(const FileSnapshot &O) const {
    return Exists == O.Exists && Type == O.Type && Bytes == O.Bytes &&
           Mtime.tv_sec == O.Mtime.tv_sec && Mtime.tv_nsec == O.Mtime.tv_nsec && Inode == O.Inode;
  }
};

// The names in a folder (to catch a temporary file left behind).
inline std::vector<std::string> listFolder(const std::string &Dir) {
  std::vector<std::string> Names;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator I(Dir, EC), E; I != E && !EC; I.increment(EC))
    Names.push_back(llvm::sys::path::filename(I->path()).str());
  std::sort(Names.begin(), Names.end());
  return Names;
}

// Little-endian ELF64 patching (the host's objects on x86-64).
struct Elf64Patch {
  std::string Bytes;

  template <typename T> T get(size_t Off) const {
    T V = 0;
    memcpy(&V, Bytes.data() + Off, sizeof V);
    return V;
  }
  template <typename T> void put(size_t Off, T V) { memcpy(&Bytes[Off], &V, sizeof V); }

  uint64_t shoff() const { return get<uint64_t>(0x28); }
  uint16_t shnum() const { return get<uint16_t>(0x3c); }
  uint16_t shstrndx() const { return get<uint16_t>(0x3e); }
  size_t shdr(unsigned I) const { return shoff() + size_t(I) * 64; }
  uint64_t secOffset(unsigned I) const { return get<uint64_t>(shdr(I) + 24); }
  uint64_t secSize(unsigned I) const { return get<uint64_t>(shdr(I) + 32); }
  void setSecOffset(unsigned I, uint64_t V) { put<uint64_t>(shdr(I) + 24, V); }
  void setSecSize(unsigned I, uint64_t V) { put<uint64_t>(shdr(I) + 32, V); }

  // Index of the section named Name; fails the test when there is none.
  unsigned section(const std::string &Name) const {
    uint64_t Strtab = secOffset(shstrndx());
    for (unsigned I = 0; I < shnum(); ++I) {
      uint32_t NameOff = get<uint32_t>(shdr(I));
      if (strcmp(Bytes.c_str() + Strtab + NameOff, Name.c_str()) == 0)
        return I;
    }
    ADD_FAILURE() << "no section " << Name;
    return 0;
  }
};

} // namespace modver::test
