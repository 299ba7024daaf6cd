#include "Kernel/KernelConfig.h"

#include "Compression/Decompress.h"
#include "Kernel/KernelImage.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace modver {

// The value of a bool option in the text, when the text says anything about it.
static std::optional<bool> boolOption(llvm::StringRef Text, llvm::StringRef Name) {
  std::optional<bool> Value;
  for (llvm::StringRef Line : llvm::split(Text, '\n')) {
    Line = Line.trim();
    if (Line.consume_front(Name)) {
      if (Line == "=y" || Line == "=m")
        Value = true;
      else if (Line == "=n")
        Value = false;
    } else if (Line.consume_front("# ") && Line.consume_front(Name) && Line == " is not set") {
      Value = false;
    }
  }
  return Value;
}

void applyKernelConfig(llvm::StringRef ConfigText, KernelInfo &Kernel) {
  if (auto V = boolOption(ConfigText, "CONFIG_MODULE_FORCE_LOAD"))
    Kernel.ForceLoad = V;
  if (auto V = boolOption(ConfigText, "CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS"))
    Kernel.AllowMissingNamespaceImports = V;
  // A whole .config says "is not set" for MODVERSIONS; the other two only exist under it.
  if (auto V = boolOption(ConfigText, "CONFIG_MODVERSIONS"))
    Kernel.Modversions = V;
  if (auto V = boolOption(ConfigText, "CONFIG_BASIC_MODVERSIONS"))
    Kernel.BasicModversions = V;
  if (auto V = boolOption(ConfigText, "CONFIG_EXTENDED_MODVERSIONS"))
    Kernel.ExtendedModversions = V;
  // Only meaningful under CONFIG_MODULE_SIG; a kernel without it says nothing, i.e. not forced.
  if (auto V = boolOption(ConfigText, "CONFIG_MODULE_SIG"))
    Kernel.ModuleSig = V;
  if (auto V = boolOption(ConfigText, "CONFIG_MODULE_SIG_FORCE"))
    Kernel.ModuleSigForce = V;
  else if (Kernel.ModuleSig == false)
    Kernel.ModuleSigForce = false;
}

llvm::Error readKernelConfig(llvm::StringRef Path, KernelInfo &Kernel) {
  auto Buf = readMaybeCompressed(Path);
  if (!Buf)
    return Buf.takeError();
  applyKernelConfig((*Buf)->getBuffer(), Kernel);
  return llvm::Error::success();
}

std::optional<std::string> configBeside(llvm::StringRef KernelFile) {
  llvm::StringRef Dir = llvm::sys::path::parent_path(KernelFile);
  llvm::StringRef Name = llvm::sys::path::filename(KernelFile);
  llvm::SmallString<256> Candidate(Dir);
  llvm::StringRef Release = releaseInImageName(KernelFile);
  if (Release.empty() && Name.starts_with("symvers-") && Name.ends_with(".gz"))
    Release = Name.drop_front(8).drop_back(3);
  if (!Release.empty())
    llvm::sys::path::append(Candidate, "config-" + Release);
  else if (Name == "Module.symvers")
    llvm::sys::path::append(Candidate, ".config");
  else if (Name == "vmlinuz" || Name.starts_with("vmlinuz.")) // /usr/lib/modules/<release>/
    llvm::sys::path::append(Candidate, "config");
  else
    return std::nullopt;
  if (!llvm::sys::fs::is_regular_file(Candidate))
    return std::nullopt;
  return std::string(Candidate);
}

} // namespace modver
