// mkmod's work: give a module exactly the version records it needs by relinking it, with no
// compiler and no kernel tree.
//
// A module is prepared (inputs read and decompressed, imports found, the guard consulted,
// records planned, the versions object written) and then linked. The two steps are apart so
// that a batch can prepare many modules in parallel while links run one at a time, as the
// in-process linker requires.
#pragma once

#include "Database/SymbolDb.h"
#include "Relink/Relink.h"
#include "Support/TempFile.h"
#include "Versioning/ModulePlan.h" // RefusedError
#include "Versioning/VersionRecords.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

struct MkModOptions {
  RecordOptions Records;
  // Relink even when the guard says the object was compiled against another kernel.
  bool Force = false;
  // Allow the output to be one of the inputs.
  bool InPlace = false;
};

// Everything needed to link one module, and what was decided on the way.
struct PreparedModule {
  std::vector<std::string> Inputs; // as the user named them
  std::string Output;
  bool KeepMode = false; // --in-place: the rewritten file keeps its mode
  RecordPlan Plan;
  GuardVerdict Guard;
  std::vector<std::string> Warnings;
  // Files the linker reads: the inputs (decompressed copies where needed) and the versions
  // object; temporary ones are removed with this object.
  std::vector<std::string> LinkInputs;
  std::vector<TempFile> Temporaries;
};

// A kernel built without CONFIG_MODVERSIONS checks no version records, so there is nothing
// to give a module: a RefusedError saying so and what decides instead (vermagic), else
// success. Checked once for a whole run, before any module is read.
llvm::Error requireModversions(const SymbolDb &Db);

// Read the inputs and decide the records. A refusal of the guard comes back as RefusedError
// unless Options.Force (then it is a warning).
llvm::Expected<PreparedModule> prepareModule(llvm::ArrayRef<std::string> Inputs,
                                             llvm::StringRef Output, const SymbolDb &Db,
                                             const MkModOptions &Options);

// Link a prepared module with ScriptPath; the output appears atomically, compressed when its
// name ends in .gz, .xz or .zst.
llvm::Error linkModule(PreparedModule &Module, Linker &L, llvm::StringRef ScriptPath);

} // namespace modver
