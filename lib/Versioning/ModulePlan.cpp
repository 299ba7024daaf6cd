#include "Versioning/ModulePlan.h"

#include "Support/Error.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace modver {

char RefusedError::ID;

llvm::Expected<CombinedInputs> combineInputs(llvm::ArrayRef<std::string> Names,
                                             llvm::ArrayRef<ModuleImports> Objects,
                                             const SymbolDb &Db) {
  CombinedInputs C;
  if (Objects.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no input objects");
  C.Target = Objects.front().Target;
  llvm::StringSet<> Defined, Seen;
  for (size_t I = 0; I < Objects.size(); ++I) {
    const ModuleImports &M = Objects[I];
    if (M.Target != C.Target)
      return fileError(Names[I], "is " + M.Target.describe() + " but " + Names[0] + " is " +
                                     C.Target.describe());
    for (const std::string &D : M.Defined)
      Defined.insert(D);
    if (C.Against.Vermagic.empty() && M.Info)
      if (auto V = M.Info->vermagic()) {
        C.Against.Vermagic = V->str();
        C.VermagicFrom = Names[I];
      }
    if (const std::vector<VersionRecord> *Records = M.Versions.effective()) {
      if (!C.Against.Records)
        C.Against.Records.emplace();
      C.Against.Records->insert(C.Against.Records->end(), Records->begin(), Records->end());
    }
    C.AnyExtended |= bool(M.Versions.Extended);
    if (M.Signature)
      C.Signed.push_back(Names[I]);
  }
  // Each input's symbol-table order, inputs in order: the order modpost writes records in.
  for (const ModuleImports &M : Objects)
    for (const ImportedSymbol &S : M.Undefined)
      if (!Defined.count(S.Name) && Seen.insert(S.Name).second)
        C.Imports.push_back(S.Name);
  if (Db.kernel().Target && !C.Target.loadsInto(*Db.kernel().Target))
    return fileError(Names[0], "is " + C.Target.describe() + " but the kernel is " +
                                   Db.kernel().Target->describe());
  return C;
}

llvm::Expected<ModulePlan> planModule(llvm::StringRef ModuleName, const CombinedInputs &In,
                                      const SymbolDb &Db, const RecordOptions &Records,
                                      const GuardPolicy &Policy) {
  ModulePlan P;
  P.Guard = checkCompiledAgainst(In.Against, In.Imports, Db);
  P.Warnings = P.Guard.Warnings;
  if (P.Guard.refused()) {
    std::string Why = llvm::join(P.Guard.Refusals, "; ");
    // When the module refused is an output (the plugin's), the input that carries the
    // vermagic is where the user must look.
    std::string From = In.VermagicFrom.empty() || In.VermagicFrom == ModuleName
                           ? ""
                           : " (vermagic from " + In.VermagicFrom + ")";
    if (!Policy.Force)
      return llvm::make_error<RefusedError>(ModuleName.str() + ": refused" + From + ": " + Why +
                                            " (" + Policy.ForceHint + ")");
    P.Warnings.push_back(Policy.ForcedWarning + " " + Why);
  }
  auto Plan = planRecords(ModuleName, In.Imports, Db, Records, In.Target);
  if (!Plan)
    return Plan.takeError();
  P.Plan = std::move(*Plan);
  for (std::string &W : planWarnings(P.Plan, ModuleName))
    P.Warnings.push_back(std::move(W));
  // A linker reads the ELF structure only, so the bytes sign-file appended do not survive;
  // a kernel that enforces signatures would refuse the output.
  if (!In.Signed.empty())
    P.Warnings.push_back(llvm::join(In.Signed, ", ") +
                         ": the appended signature is not carried over by the relink; sign the "
                         "output again (the kernel's scripts/sign-file) for a kernel that "
                         "enforces module signatures");
  return P;
}

} // namespace modver
