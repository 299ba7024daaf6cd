// findLinkerScript(): where the linker-scripts/ folder is, seen from the running executable.
//
// The library cannot be told the source folder at compile time (it is shared by the tools,
// the tests and the plugin, installed or not), so the place is worked out from the
// executable's own path at run time, which works the same for every build system.
#include "Relink/Relink.h"

#include "Support/Error.h"
#include "Support/InputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace modver {

static bool isFile(const llvm::Twine &Path) { return llvm::sys::fs::is_regular_file(Path); }

// The source folder recorded in <Dir>/CMakeCache.txt, if any (CMake's own
// "CMAKE_HOME_DIRECTORY:INTERNAL=<path>" line). Only read, never required: a build made by
// another build system is found by the other rules or not at all.
static std::string sourceDirFromCMakeCache(llvm::StringRef Dir) {
  llvm::SmallString<256> Cache(Dir);
  llvm::sys::path::append(Cache, "CMakeCache.txt");
  auto Buf = readInputFile(Cache);
  if (!Buf) {
    llvm::consumeError(Buf.takeError());
    return {};
  }
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    Line = Line.rtrim("\r");
    if (Line.consume_front("CMAKE_HOME_DIRECTORY:INTERNAL="))
      return Line.str();
  }
  return {};
}

llvm::Expected<std::string> findLinkerScript(llvm::StringRef Name, llvm::StringRef Argv0) {
  // /proc/self/exe on Linux; the address is only used on systems without such a link.
  std::string Exe =
      llvm::sys::fs::getMainExecutable(Argv0.str().c_str(), (void *)&findLinkerScript);
  if (Exe.empty())
    Exe = Argv0.str();
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(Exe, Real))
    Exe = std::string(Real);

  std::vector<std::string> Tried;
  auto Try = [&](llvm::StringRef Dir) -> bool {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, "linker-scripts", Name);
    llvm::sys::path::remove_dots(Candidate, /*remove_dot_dot=*/true);
    Tried.push_back(std::string(Candidate));
    return isFile(Candidate);
  };

  llvm::StringRef BinDir = llvm::sys::path::parent_path(Exe);
  // 1. Installed: <prefix>/bin/<tool> and <prefix>/share/modver/linker-scripts/.
  llvm::SmallString<256> Share(BinDir);
  llvm::sys::path::append(Share, "..", "share", "modver");
  if (Try(Share))
    return Tried.back();
  // 2. A build folder inside the source tree, 3. one outside it.
  std::vector<std::string> SourceDirs;
  for (llvm::StringRef Dir = BinDir; !Dir.empty(); Dir = llvm::sys::path::parent_path(Dir)) {
    if (Try(Dir))
      return Tried.back();
    std::string Source = sourceDirFromCMakeCache(Dir);
    if (!Source.empty())
      SourceDirs.push_back(Source);
    if (Dir == llvm::sys::path::root_path(Dir))
      break;
  }
  for (const std::string &Source : SourceDirs)
    if (Try(Source))
      return Tried.back();

  std::string Where;
  for (size_t I = 0; I < Tried.size() && I < 4; ++I)
    Where += (I ? ", " : "") + Tried[I];
  if (Tried.size() > 4)
    Where += " and " + std::to_string(Tried.size() - 4) + " more";
  return fileError(Name, "linker script not found next to the executable '" + Exe +
                             "' (looked at " + Where + ")");
}

} // namespace modver
