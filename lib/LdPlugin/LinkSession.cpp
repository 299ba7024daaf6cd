#include "LdPlugin/LinkSession.h"

#include "LdPlugin/LtoInput.h"
#include "Module/ModuleObject.h"
#include "Support/Error.h"
#include "Versioning/ModulePlan.h"
#include "Versioning/VersionsObject.h"

#include "llvm/ADT/StringExtras.h"
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
  Names.push_back(Name.str());
  Objects.push_back(std::move(*Imports));
  return llvm::Error::success();
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
  if (Objects.empty())
    return Added;

  // The inputs together, as mkmod combines them: the records come out in the order mkmod
  // writes them.
  auto Combined = combineInputs(Names, Objects, Db);
  if (!Combined)
    return Combined.takeError();

  // Records already in an input are checked one input at a time so that the message names
  // the file that carries them; they can never be forced, because the plugin cannot take
  // them out of the link. The guard over the whole module then judges the vermagic only.
  for (size_t I = 0; I < Objects.size(); ++I) {
    const std::vector<VersionRecord> *Carried = Objects[I].Versions.effective();
    if (!Carried)
      continue;
    CompiledAgainst Records;
    Records.Records = *Carried;
    GuardVerdict V = checkCompiledAgainst(Records, Combined->Imports, Db);
    if (!V.Changed.empty())
      return fileError(Names[I], "its version records disagree with the kernel database: " +
                                     llvm::join(V.Refusals, "; ") +
                                     " (the plugin only adds missing records and never "
                                     "replaces one; mkmod replaces them)");
  }
  Combined->Against.Records.reset();

  // When an input has the extended pair the loader reads nothing else, so what is missing
  // must go there too.
  RecordOptions Records = Options.Records;
  Records.ForceExtended |= Combined->AnyExtended;
  Records.AllowUnresolved = true; // reported below, with the plugin's own option name
  auto Planned =
      planModule(OutputName, *Combined, Db, Records,
                 {Options.Force, "-plugin-opt=force links anyway", "force: linking although"});
  if (!Planned)
    return Planned.takeError();
  const RecordPlan &Plan = Planned->Plan;
  if (!Plan.Unresolved.empty() && !Options.Records.AllowUnresolved)
    return fileError(OutputName,
                     "the kernel does not export " + llvm::Twine(Plan.Unresolved.size()) +
                         " imported symbol" + (Plan.Unresolved.size() == 1 ? "" : "s") + ": " +
                         llvm::join(Plan.Unresolved, ", ") +
                         " (give -plugin-opt=symvers= or modules= for the modules that export "
                         "them, or -plugin-opt=allow-unresolved)");
  Added.Warnings = std::move(Planned->Warnings);

  // What the inputs carry stays in the link: only the records nobody carries are added.
  llvm::StringSet<> CarriedClassic, CarriedExtended;
  bool AnyClassic = false;
  for (const ModuleImports &M : Objects) {
    if (M.Versions.Classic) {
      AnyClassic = true;
      for (const VersionRecord &R : *M.Versions.Classic)
        CarriedClassic.insert(R.Name);
    }
    if (M.Versions.Extended)
      for (const VersionRecord &R : *M.Versions.Extended)
        CarriedExtended.insert(R.Name);
  }
  Added.Classic = withoutNames(Plan.Classic, CarriedClassic);
  if (Plan.Extended) {
    std::vector<VersionRecord> Missing = withoutNames(*Plan.Extended, CarriedExtended);
    if (!Missing.empty())
      Added.Extended = std::move(Missing);
  }
  // A module with no __versions at all still gets an (empty) one: its presence is what makes
  // the loader leave the release out of the vermagic comparison. Not for a kernel built with
  // BASIC_MODVERSIONS=n, whose modules kbuild gives none.
  if (Added.Classic.empty() && !Added.Extended && (AnyClassic || !Plan.Basic))
    return Added;

  VersionTables Tables;
  if (Plan.Basic)
    Tables.Classic = Added.Classic;
  Tables.Extended = Added.Extended;
  auto Object = writeVersionsObject(Combined->Target, Tables, SectionNames::kernel());
  if (!Object)
    return Object.takeError();
  Added.Object = std::move(*Object);
  return Added;
}

} // namespace modver
