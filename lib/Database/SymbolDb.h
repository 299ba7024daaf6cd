// The symbol database: every export a kernel offers, with its CRC and where it came from.
//
// It is the one currency of modver: each source (Module.symvers, a kernel image, exporting
// modules, modversions.o) produces one, tools merge them, mkmod and modcheck look names up in
// it, and modversions.o is its on-disk form.
#pragma once

#include "Elf/ElfTarget.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace modver {

struct Export {
  std::string Name;
  uint32_t Crc = 0;
  // False when the exporter has no CRC at all (a kernel built without CONFIG_MODVERSIONS):
  // the loader then accepts any record for the symbol.
  bool HasCrc = true;
  bool GplOnly = false;
  std::string Namespace;
  // Who exports it, as Module.symvers names it: "vmlinux" or a module path without ".ko"
  // (e.g. "drivers/usb/storage/usb-storage").
  std::string Exporter;
  // The file the record was read from (provenance for messages).
  std::string Source;

  bool sameVersion(const Export &O) const {
    return Name == O.Name && HasCrc == O.HasCrc && (!HasCrc || Crc == O.Crc);
  }
};

// What is known about the kernel as a whole; every field may be unknown.
struct KernelInfo {
  std::string Release;  // "6.1.0-56-amd64"
  std::string Vermagic; // "6.1.0-56-amd64 SMP preempt mod_unload modversions "
  std::optional<ElfTarget> Target;
  // CONFIG_MODULE_FORCE_LOAD and CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS when the
  // kernel's configuration is known.
  std::optional<bool> ForceLoad;
  std::optional<bool> AllowMissingNamespaceImports;
  // CONFIG_MODVERSIONS, CONFIG_BASIC_MODVERSIONS, CONFIG_EXTENDED_MODVERSIONS when the
  // configuration is known: they decide which loader rules apply (Kernel/LoaderGeneration.h).
  std::optional<bool> Modversions;
  std::optional<bool> BasicModversions;
  std::optional<bool> ExtendedModversions;
  // CONFIG_MODULE_SIG_FORCE when the configuration is known: unsigned modules are refused.
  std::optional<bool> ModuleSigForce;
  // CONFIG_MODULE_SIG when the configuration is known: the loader looks at appended
  // signatures at all, and refuses an unparsable one even when it does not enforce them.
  std::optional<bool> ModuleSig;
  // The kernel image has a __kflagstab (Linux 7.1+); false when unknown or absent.
  bool HasKflagstab = false;
};

class SymbolDb {
public:
  // Add one export. The same symbol with the same version again is merged (missing details
  // such as the namespace are filled in); the same symbol with a different CRC is an error
  // naming both sources.
  llvm::Error add(Export E);

  // Add everything of Other, and its kernel information (a different release is an error).
  llvm::Error merge(SymbolDb Other);

  const Export *find(llvm::StringRef Name) const;
  size_t size() const { return Exports.size(); }
  bool empty() const { return Exports.empty(); }

  // All exports in insertion order.
  const std::vector<Export> &exports() const { return Exports; }
  // All exports sorted by name (byte order): the stable order of every output.
  std::vector<const Export *> sorted() const;

  KernelInfo &kernel() { return Kernel; }
  const KernelInfo &kernel() const { return Kernel; }

private:
  std::vector<Export> Exports;
  llvm::StringMap<size_t> Index;
  KernelInfo Kernel;
};

// Name of the symbol whose CRC stands for the layout of struct module; the loader checks it
// before anything else.
inline constexpr llvm::StringLiteral ModuleLayoutSymbol = "module_layout";

} // namespace modver
