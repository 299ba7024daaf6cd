// A module's .modinfo: the "key=value" strings modpost and MODULE_*() macros leave in it.
//
// The section is a run of NUL-terminated strings; compilers pad between entries with zeros,
// so empty strings are skipped, as modinfo(8) does. Keys may repeat (alias, import_ns, parm):
// every entry is kept in order, and the well-known single keys are also split out.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace modver {

inline constexpr llvm::StringLiteral ModinfoSectionName = ".modinfo";

struct ModuleInfo {
  // Every entry in section order. An entry without '=' has an empty value.
  std::vector<std::pair<std::string, std::string>> Entries;

  // The first value of Key, if the key is present at all.
  std::optional<llvm::StringRef> get(llvm::StringRef Key) const;
  // Every value of Key, in section order.
  std::vector<llvm::StringRef> getAll(llvm::StringRef Key) const;

  std::optional<llvm::StringRef> vermagic() const { return get("vermagic"); }
  std::optional<llvm::StringRef> name() const { return get("name"); }
  std::optional<llvm::StringRef> license() const { return get("license"); }
  // Namespaces imported with MODULE_IMPORT_NS, one entry each.
  std::vector<llvm::StringRef> importedNamespaces() const { return getAll("import_ns"); }
  // The depends= list split at commas (modules this one needs symbols from; vmlinux is never
  // listed). Empty when the key is missing or empty.
  std::vector<llvm::StringRef> depends() const;
};

// Parse the contents of a .modinfo section. The only malformed input is a last string
// without its NUL, which the loader would read past.
llvm::Expected<ModuleInfo> parseModuleInfo(llvm::StringRef FileName, llvm::StringRef Bytes);

// The .modinfo of the ELF object in ElfBytes, or std::nullopt when it has none.
llvm::Expected<std::optional<ModuleInfo>> readModuleInfo(llvm::StringRef FileName,
                                                         llvm::StringRef ElfBytes);

// Whether the kernel treats a MODULE_LICENSE string as GPL-compatible (exact match against
// the kernel's list); a module without one taints the kernel and cannot use GPL-only exports.
bool isGplCompatibleLicense(llvm::StringRef License);

// The kernel release a vermagic string starts with ("6.1.0-56-amd64 SMP ..." ->
// "6.1.0-56-amd64"): the part the loader skips when the module carries __versions.
llvm::StringRef releaseOfVermagic(llvm::StringRef Vermagic);

// What follows the release ("SMP preempt mod_unload modversions "): the part the loader still
// compares when the module carries __versions. Empty when there is no space.
llvm::StringRef flagsOfVermagic(llvm::StringRef Vermagic);

} // namespace modver
