#include "LdPlugin/LinkSession.h"

#include "LdPlugin/LtoInput.h"
#include "Module/ModuleObject.h"
#include "Versioning/VersionsObject.h"
#include "Support/Error.h"

#include "llvm/ADT/StringSet.h"

namespace modver {

llvm::Error LinkSession::addInput(llvm::StringRef Name, llvm::StringRef Bytes) {
  if (std::optional<std::string> Kind = ltoInputKind(Bytes))
    return fileError(Name, "is an LTO object (" + *Kind +
                               "): its symbols are only known after code generation, which "
                               "the plugin cannot see; link the module without the plugin and "
                               "give it its records with mkmod");
  auto Module = ModuleObject::fromBytes(Name, Bytes);
  if (!Module)
    return Module.takeError();
  auto Imports = Module->imports();
  if (!Imports)
    return Imports.takeError();
  if (Imports->Target.Machine == 0)
    return fileError(Name, "has no machine type");
  Inputs.push_back({Name.str(), std::move(*Imports)});
  return llvm::Error::success();
}

static std::string joinLines(const std::vector<std::string> &Lines) {
  std::string S;
  for (const std::string &L : Lines)
    S += (S.empty() ? "" : "; ") + L;
  return S;
}

static std::vector<VersionRecord> withoutNames(const std::vector<VersionRecord> &Records,
                                               const llvm::StringSet<> &Names) {
  std::vector<VersionRecord> Out;
  for (const VersionRecord &R : Records)
    if (!Names.count(R.Name))
      Out.push_back(R);
  return Out;
}

llvm::Expected<AddedRecords> LinkSession::finish(llvm::StringRef OutputName, const SymbolDb &Db,
                                                 const LdPluginOptions &Options) const {
  AddedRecords Added;
  if (Inputs.empty())
    return Added;

  // The inputs together, as mkmod combines them: a symbol one input defines needs no record;
  // the imports keep the inputs' order and each one's symbol-table order, so the records come
  // out in the order mkmod writes them.
  const ElfTarget &Target = Inputs.front().Imports.Target;
  llvm::StringSet<> Defined, Seen, CarriedClassic, CarriedExtended;
  CompiledAgainst Against;
  std::string VermagicFrom; // the input whose .modinfo gave Against.Vermagic
  bool AnyClassic = false, AnyExtended = false;
  for (const Input &In : Inputs) {
    const ModuleImports &M = In.Imports;
    if (M.Target != Target)
      return fileError(In.Name, "is " + M.Target.describe() + " but " + Inputs.front().Name +
                                    " is " + Target.describe());
    for (const std::string &D : M.Defined)
      Defined.insert(D);
    if (Against.Vermagic.empty() && M.Info)
      if (auto V = M.Info->vermagic()) {
        Against.Vermagic = V->str();
        VermagicFrom = In.Name;
      }
    if (M.Versions.Classic) {
      AnyClassic = true;
      for (const VersionRecord &R : *M.Versions.Classic)
        CarriedClassic.insert(R.Name);
    }
    if (M.Versions.Extended) {
      AnyExtended = true;
      for (const VersionRecord &R : *M.Versions.Extended)
        CarriedExtended.insert(R.Name);
    }
  }
  std::vector<std::string> Imports;
  for (const Input &In : Inputs)
    for (const ImportedSymbol &S : In.Imports.Undefined)
      if (!Defined.count(S.Name) && Seen.insert(S.Name).second)
        Imports.push_back(S.Name);

  if (Db.kernel().Target && !Target.loadsInto(*Db.kernel().Target))
    return fileError(Inputs.front().Name, "is " + Target.describe() + " but the kernel is " +
                                              Db.kernel().Target->describe());

  // The compiled-against guard. Records already in an input are checked one input at a time
  // so that the message names the file that carries them; they can never be forced, because
  // the plugin cannot take them out of the link.
  GuardVerdict Whole = checkCompiledAgainst(Against, Imports, Db);
  Added.Warnings = Whole.Warnings;
  for (const Input &In : Inputs) {
    const std::vector<VersionRecord> *Carried = In.Imports.Versions.effective();
    if (!Carried)
      continue;
    CompiledAgainst Records;
    Records.Records = *Carried;
    GuardVerdict V = checkCompiledAgainst(Records, Imports, Db);
    if (!V.Changed.empty())
      return fileError(In.Name, "its version records disagree with the kernel database: " +
                                    joinLines(V.Refusals) +
                                    " (the plugin only adds missing records and never "
                                    "replaces one; mkmod replaces them)");
  }
  if (Whole.refused()) {
    // The output being made is what is refused; the input that carries the vermagic is
    // where the user must look.
    std::string From = VermagicFrom.empty() ? "" : " (vermagic from " + VermagicFrom + ")";
    if (!Options.Force)
      return fileError(OutputName, "refused" + From + ": " + joinLines(Whole.Refusals) +
                                       " (-plugin-opt=force links anyway)");
    Added.Warnings.push_back("force: linking although " + joinLines(Whole.Refusals));
  }

  // When an input has the extended pair the loader reads nothing else, so what is missing
  // must go there too.
  RecordOptions Records = Options.Records;
  Records.ForceExtended |= AnyExtended;
  Records.AllowUnresolved = true; // reported below, with the plugin's own option name
  auto Plan = planRecords(OutputName, Imports, Db, Records, Target);
  if (!Plan)
    return Plan.takeError();
  if (!Plan->Unresolved.empty() && !Options.Records.AllowUnresolved) {
    std::string List;
    for (const std::string &Name : Plan->Unresolved)
      List += (List.empty() ? "" : ", ") + Name;
    return fileError(OutputName,
                     "the kernel does not export " + llvm::Twine(Plan->Unresolved.size()) +
                         " imported symbol" + (Plan->Unresolved.size() == 1 ? "" : "s") +
                         ": " + List +
                         " (give -plugin-opt=symvers= or modules= for the modules that export "
                         "them, or -plugin-opt=allow-unresolved)");
  }
  for (std::string &W : planWarnings(*Plan, OutputName))
    Added.Warnings.push_back(std::move(W));

  Added.Classic = withoutNames(Plan->Classic, CarriedClassic);
  if (Plan->Extended) {
    std::vector<VersionRecord> Missing = withoutNames(*Plan->Extended, CarriedExtended);
    if (!Missing.empty())
      Added.Extended = std::move(Missing);
  }
  // A module with no __versions at all still gets an (empty) one: its presence is what makes
  // the loader leave the release out of the vermagic comparison. Not for a kernel built with
  // BASIC_MODVERSIONS=n, whose modules kbuild gives none.
  if (Added.Classic.empty() && !Added.Extended && (AnyClassic || !Plan->Basic))
    return Added;

  VersionTables Tables;
  if (Plan->Basic)
    Tables.Classic = Added.Classic;
  Tables.Extended = Added.Extended;
  auto Object = writeVersionsObject(Target, Tables, SectionNames::kernel());
  if (!Object)
    return Object.takeError();
  Added.Object = std::move(*Object);
  return Added;
}

} // namespace modver
