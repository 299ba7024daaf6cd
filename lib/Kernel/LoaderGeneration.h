// Which module loader the kernel has: the rules modcheck applies depend on the kernel's
// generation and on whether it was built with CONFIG_MODVERSIONS, and both are read from the
// kernel itself, never asked of the user.
//
// Generations differ where the loader changed (docs/loader-rules.md has the table):
//   6.1   classic __versions; GPL-only exports in __ksymtab_gpl
//   6.14  extended version tables (__version_ext_crcs/_names) used instead of __versions
//   6.16  "module:" namespaces: exported to the named modules only, no import needed
//   7.1   __kflagstab: GPL-ness per export; a module exporting symbols must carry it
// Orthogonal to them, a kernel without MODVERSIONS checks no CRCs (no module_layout, no
// records) and compares the whole vermagic, release included.
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>

namespace modver {

enum class LoaderGeneration { Linux6_1, Linux6_14, Linux6_16, Linux7_1 };

struct LoaderModel {
  LoaderGeneration Generation = LoaderGeneration::Linux6_1;
  bool Modversions = true; // CONFIG_MODVERSIONS: CRCs are checked
  // What decided it, for messages: "__kflagstab in the image", "release 7.2.13+deb14-amd64".
  std::string Evidence;

  bool extendedTables() const { return Generation >= LoaderGeneration::Linux6_14; }
  bool moduleNamespaces() const { return Generation >= LoaderGeneration::Linux6_16; }
  bool exportFlags() const { return Generation >= LoaderGeneration::Linux7_1; }

  // "7.1+" and, for the report, "7.1+ without MODVERSIONS".
  llvm::StringRef generationName() const;
  std::string describe() const;
};

// The loader of the kernel Db describes. Generation: the newest of what the image shows
// (__kflagstab: 7.1; a "module:" namespace among the exports: 6.16, but only when the release
// is unknown, since stable kernels export to "module:" names with the older loader) and what
// its release number says; 6.1 rules when nothing is known. MODVERSIONS: the configuration when
// known, else the vermagic's "modversions" token, else whether module_layout is exported or any
// export carries a CRC.
LoaderModel detectLoaderModel(const SymbolDb &Db);

// "6.16" -> {6, 16} from a release such as "7.2.13+deb14-amd64"; nullopt when it does not
// start with two numbers.
std::optional<std::pair<unsigned, unsigned>> releaseVersion(llvm::StringRef Release);

} // namespace modver
