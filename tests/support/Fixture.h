// Test fixtures made at test time: temporary folders, files, and objects compiled from small
// C or assembly sources with the machine's compilers. Nothing binary is committed.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <string>
#include <vector>

namespace modver::test {

// A fresh folder under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return Path; }
  // Path of a file inside the folder.
  std::string file(llvm::StringRef Name) const;
  // Write Content to a file inside the folder and return its path.
  std::string write(llvm::StringRef Name, llvm::StringRef Content) const;

private:
  std::string Path;
};

struct CommandResult {
  int ExitCode = -1;
  std::string Stdout;
  std::string Stderr;
};

// Run Argv (no shell) and capture its output.
CommandResult run(const std::vector<std::string> &Argv);

// Compile Source (C, or assembly when Name ends in .S/.s) with Compiler and Flags into an
// object named after Name inside Dir. Fails the current test with the compiler's output when
// the compiler refuses; returns the object's path.
std::string compile(const TempDir &Dir, llvm::StringRef Name, llvm::StringRef Source,
                    const std::vector<std::string> &Flags = {}, llvm::StringRef Compiler = "cc");

// Whether a compiler can build for the flags given (e.g. "-m32", "--target=powerpc64-linux-gnu");
// suites skip what the machine cannot build rather than pass silently.
bool canCompile(const std::vector<std::string> &Flags, llvm::StringRef Compiler = "cc");

// Read a whole file; fails the current test if it cannot.
std::string readWhole(llvm::StringRef Path);

// Path of a built tool (mkmod, modcheck, modversions).
std::string toolPath(llvm::StringRef Tool);

// Wall seconds since T0, for the figures suites print (never for assertions: see bench/).
using Clock = std::chrono::steady_clock;
inline double secondsSince(Clock::time_point T0) {
  return std::chrono::duration<double>(Clock::now() - T0).count();
}

} // namespace modver::test
