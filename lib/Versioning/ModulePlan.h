// The step mkmod and the ld plugin share: several input objects that become one module are
// combined (one target, the imports no input defines, what they say about their kernel),
// the guard is consulted, the records are planned and the warnings collected.
//
// What differs between the two stays with them: mkmod reads and relinks files, the plugin
// must keep the records its inputs already carry and add only the missing ones.
#pragma once

#include "Database/SymbolDb.h"
#include "Module/ModuleImports.h"
#include "Versioning/VersionRecords.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace modver {

// The guard refused on purpose (exit code 1, not 2).
class RefusedError : public llvm::ErrorInfo<RefusedError> {
public:
  static char ID;
  explicit RefusedError(std::string Message) : Message(std::move(Message)) {}
  void log(llvm::raw_ostream &OS) const override { OS << Message; }
  std::error_code convertToErrorCode() const override { return llvm::inconvertibleErrorCode(); }

private:
  std::string Message;
};

// What the input objects of one module say together.
struct CombinedInputs {
  ElfTarget Target;
  std::vector<std::string> Imports; // undefined in some input, defined in none, in order
  // The first vermagic found, and every record the inputs carry (in input order).
  CompiledAgainst Against;
  std::string VermagicFrom;        // the input whose .modinfo gave Against.Vermagic
  bool AnyExtended = false;        // some input carries the extended tables
  std::vector<std::string> Signed; // inputs with an appended signature, which the relink drops
};

// Objects[I] was read from Names[I] (named in messages). The inputs must share one ELF
// target, and that target must load into Db's kernel when the kernel's target is known.
llvm::Expected<CombinedInputs> combineInputs(llvm::ArrayRef<std::string> Names,
                                             llvm::ArrayRef<ModuleImports> Objects,
                                             const SymbolDb &Db);

// What a refusal says and whether it is overridden; the caller's own option names.
struct GuardPolicy {
  bool Force = false;
  std::string ForceHint;     // "--force relinks anyway": after a refusal, in parentheses
  std::string ForcedWarning; // "--force: relinking although": before the reasons when forced
};

struct ModulePlan {
  GuardVerdict Guard;
  RecordPlan Plan;
  std::vector<std::string> Warnings; // the guard's, a forced refusal's, then the plan's
};

// Consult the guard on In.Against, then plan the records for In.Imports. ModuleName names
// the module in messages. A refusal that is not forced is a RefusedError; planning errors
// (such as unresolved imports unless allowed) come back as they are.
llvm::Expected<ModulePlan> planModule(llvm::StringRef ModuleName, const CombinedInputs &In,
                                      const SymbolDb &Db, const RecordOptions &Records,
                                      const GuardPolicy &Policy);

} // namespace modver
