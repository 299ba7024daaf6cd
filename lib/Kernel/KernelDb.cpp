#include "Kernel/KernelDb.h"

#include "Compression/Decompress.h"
#include "Database/Symvers.h"
#include "Kernel/KernelConfig.h"
#include "Kernel/KernelImage.h"
#include "Kernel/ModuleTree.h"
#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Versioning/ModversionsObject.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <sys/utsname.h>

namespace modver {

static std::string joinPath(llvm::StringRef Root, llvm::StringRef Rel) {
  llvm::SmallString<256> P(Root);
  llvm::sys::path::append(P, Rel);
  return std::string(P);
}

llvm::Expected<KernelSources> runningKernelSources(llvm::StringRef Root) {
  struct utsname U;
  if (::uname(&U) != 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot tell the running kernel's release (uname failed)");
  return kernelSourcesFor(Root, U.release);
}

// The first of Paths (relative to Root) that is a regular file, or a folder when Dir; every
// path looked at is added to Tried.
static std::optional<std::string> firstExisting(llvm::StringRef Root,
                                                llvm::ArrayRef<std::string> Paths, bool Dir,
                                                std::vector<std::string> &Tried) {
  for (const std::string &Rel : Paths) {
    std::string P = joinPath(Root, Rel);
    if (Dir ? llvm::sys::fs::is_directory(P) : llvm::sys::fs::is_regular_file(P))
      return P;
    Tried.push_back(P);
  }
  return std::nullopt;
}

llvm::Expected<KernelSources> kernelSourcesFor(llvm::StringRef Root, llvm::StringRef Release) {
  std::string R = Release.str();
  // Merged-/usr systems have /lib -> usr/lib; a Root that is a plain folder may have either.
  std::string Mods = "lib/modules/" + R, UsrMods = "usr/lib/modules/" + R;
  std::vector<std::string> Tried, Ignored;

  KernelSources S;
  if (auto Config = firstExisting(Root, {"boot/config-" + R, UsrMods + "/config"}, false, Ignored))
    S.Config = *Config;
  if (auto Symvers = firstExisting(Root,
                                   {Mods + "/build/Module.symvers",
                                    UsrMods + "/build/Module.symvers", "boot/symvers-" + R + ".gz"},
                                   false, Tried)) {
    S.Symvers.push_back(*Symvers);
    return S;
  }
  // linux-binary-<release> ships vmlinuz, linux-binary-unsigned-<release> vmlinuz.unsigned.
  if (auto Image = firstExisting(
          Root, {"boot/vmlinuz-" + R, UsrMods + "/vmlinuz", UsrMods + "/vmlinuz.unsigned"}, false,
          Tried)) {
    S.Kernels.push_back(*Image);
    if (auto Dir = firstExisting(Root, {Mods, UsrMods}, true, Ignored))
      S.ModuleDirs.push_back(*Dir);
    return S;
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "no kernel given and none found for the running kernel " + R +
                                     " (tried " + llvm::join(Tried, ", ") +
                                     "): give --kernel, --symvers or --modversions");
}

llvm::Expected<SymbolDb> readKernelFile(llvm::StringRef Path) {
  auto Buf = readInputFile(Path, MaxKernelFileSize);
  if (!Buf)
    return Buf.takeError();
  llvm::StringRef Bytes = (*Buf)->getBuffer();
  if (isModversionsObject(Bytes))
    return readModversionsObject(Path, Bytes);
  if (looksLikeSymvers(Bytes) || Bytes.empty())
    return readSymvers(Path, Bytes);
  // A gzip-compressed symvers (/boot/symvers-<release>.gz) is small; a compressed kernel is
  // not gzip at the start of the file (bzImage) or decompresses to ELF.
  if (detectCompression(Bytes) == Compression::Gzip && Bytes.size() < (8u << 20)) {
    auto Plain = decompress(Path, Bytes, Compression::Gzip);
    if (Plain && looksLikeSymvers((*Plain)->getBuffer()))
      return readSymvers(Path, (*Plain)->getBuffer());
    if (!Plain)
      llvm::consumeError(Plain.takeError());
  }
  return readKernelImageBytes(Path, Bytes);
}

llvm::Expected<SymbolDb> loadKernelDb(const KernelSources &Sources, KeptImports *Keep) {
  // "-s - --kernel-config -": the second reader would find standard input drained and take
  // the empty rest as a valid (empty) input.
  size_t FromStdin = llvm::count(Sources.Kernels, "-") + llvm::count(Sources.Symvers, "-") +
                     (Sources.Config == "-");
  if (FromStdin > 1)
    return fileError("<stdin>", "given as " + llvm::Twine(FromStdin) +
                                    " inputs ('-'), but it can be read only once");
  SymbolDb Db;
  auto Merge = [&](llvm::Expected<SymbolDb> Part) -> llvm::Error {
    if (!Part)
      return Part.takeError();
    return Db.merge(std::move(*Part));
  };
  for (const std::string &K : Sources.Kernels)
    if (llvm::Error E = Merge(readKernelFile(K)))
      return E;
  for (const std::string &S : Sources.Symvers)
    if (llvm::Error E = Merge(readSymversFile(S)))
      return E;
  for (const std::string &D : Sources.ModuleDirs)
    if (llvm::Error E = Merge(readModuleTreeExports(D, {}, Keep)))
      return E;

  std::optional<std::string> Config;
  if (!Sources.Config.empty())
    Config = Sources.Config;
  for (const std::string &F : Sources.Kernels)
    if (!Config)
      Config = configBeside(F);
  for (const std::string &F : Sources.Symvers)
    if (!Config)
      Config = configBeside(F);
  if (Config)
    if (llvm::Error E = readKernelConfig(*Config, Db.kernel()))
      return E;
  return Db;
}

llvm::Expected<SymbolDb> loadKernelFile(llvm::StringRef Path, llvm::StringRef Config) {
  KernelSources Sources;
  Sources.Kernels.push_back(Path.str());
  Sources.Config = Config.str();
  return loadKernelDb(Sources);
}

llvm::Expected<SymbolDb> loadKernelDbOrRunning(const KernelSources &Sources, KeptImports *Keep) {
  if (!Sources.empty())
    return loadKernelDb(Sources, Keep);
  auto Running = runningKernelSources();
  if (!Running)
    return Running.takeError();
  return loadKernelDb(*Running, Keep);
}

} // namespace modver
