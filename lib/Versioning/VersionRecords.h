// Which version records a module gets, and whether it may get them at all.
//
// The records a module carries must describe the kernel its code was compiled against. Relinking
// replaces the recompile that a rebuilt database used to force; it must never turn a module
// built for one kernel into one that claims to fit another. So planning the records comes with
// a guard that compares what the object already says about its kernel (vermagic, old records)
// with the database, and refuses on any disagreement unless forced.
#pragma once

#include "Database/SymbolDb.h"
#include "Module/VersionsSection.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace modver {

struct RecordOptions {
  // Write the extended tables (with every record) even when the kernel's configuration does
  // not ask for them: mkmod --extended, the plugin's "extended".
  bool ForceExtended = false;
  // Symbols the kernel does not export are left without a record instead of failing.
  bool AllowUnresolved = false;
  // Record every export of the database, not only what the module imports (Schupp's original
  // "link the whole table" variant).
  bool All = false;
};

// Which tables a module gets follows the kernel's configuration, as modpost's flags do:
//   EXTENDED_MODVERSIONS=y     the extended pair with every record, plus __versions with the
//                              names that fit unless BASIC_MODVERSIONS=n (then no __versions)
//   EXTENDED_MODVERSIONS=n     __versions only; a name too long for it is an error ("too long
//   or not set (MODVERSIONS=y) symbol", as modpost gives), unless ForceExtended
//   configuration unknown      __versions, and the extended pair only when a name is too long
//                              for __versions or ForceExtended
struct RecordPlan {
  // Records for __versions: every planned record whose name fits one (none when !Basic).
  std::vector<VersionRecord> Classic;
  // Whether __versions is written at all; false for a BASIC_MODVERSIONS=n kernel.
  bool Basic = true;
  // Records for the extended pair, when the kernel wants them, a name is too long or they
  // were asked for: all of them, module_layout last, because a loader that sees the extended
  // tables ignores __versions.
  std::optional<std::vector<VersionRecord>> Extended;
  // Imports the kernel does not export (only with AllowUnresolved; otherwise an error).
  std::vector<std::string> Unresolved;
  // Imports whose exporter has no CRC: no record, as modpost does ("has no CRC").
  std::vector<std::string> WithoutCrc;

  // The tables to write: Classic absent when !Basic.
  VersionTables tables() const;
};

// Plan the records for the undefined symbols Imports (in the object's symbol-table order, as
// modpost walks them), plus module_layout when the kernel exports it, last; which tables hold
// them follows Db.kernel()'s configuration (see RecordPlan). ObjectName names the module in
// errors.
llvm::Expected<RecordPlan> planRecords(llvm::StringRef ObjectName,
                                       llvm::ArrayRef<std::string> Imports, const SymbolDb &Db,
                                       const RecordOptions &Options, const ElfTarget &Target);

// The plan's warnings for the module ObjectName: imports left without a record, one line per
// kind of reason (the count and the first few names), never one line per symbol.
std::vector<std::string> planWarnings(const RecordPlan &Plan, llvm::StringRef ObjectName);

// What an object says about the kernel it was compiled against.
struct CompiledAgainst {
  std::string Vermagic;                              // from .modinfo, may be empty
  std::optional<std::vector<VersionRecord>> Records; // version records it already carries
};

// One import whose CRC in the object differs from the database.
struct ChangedImport {
  std::string Name;
  uint32_t ObjectCrc = 0;
  uint32_t KernelCrc = 0;
};

struct GuardVerdict {
  // Reasons to refuse, one line each; empty when the relink is safe.
  std::vector<std::string> Refusals;
  std::vector<ChangedImport> Changed;
  // Things to say even when the relink goes ahead.
  std::vector<std::string> Warnings;
  bool refused() const { return !Refusals.empty(); }
};

// Compare what the object was compiled against with the database it is about to be
// versioned from. Imports limits the record comparison to what the module really imports.
GuardVerdict checkCompiledAgainst(const CompiledAgainst &Object,
                                  llvm::ArrayRef<std::string> Imports, const SymbolDb &Db);

} // namespace modver
