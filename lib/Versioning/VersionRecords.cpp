#include "Versioning/VersionRecords.h"

#include "Module/ModuleInfo.h"
#include "Support/Printable.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

// One warning for Names: `"a" [obj] <Verb1>: no record`, or `N symbols [obj] <VerbN>: no
// record (a, b, c, d, e, ...)`.
static std::string summarised(const std::vector<std::string> &Names, llvm::StringRef Object,
                              llvm::StringRef One, llvm::StringRef Many) {
  constexpr size_t Shown = 5;
  if (Names.size() == 1)
    return "\"" + Names[0] + "\" [" + Object.str() + "] " + One.str() + ": no record";
  std::string List;
  for (size_t I = 0; I < Names.size() && I < Shown; ++I)
    List += (I ? ", " : "") + Names[I];
  if (Names.size() > Shown)
    List += ", ...";
  return std::to_string(Names.size()) + " symbols [" + Object.str() + "] " + Many.str() +
         ": no record (" + List + ")";
}

std::vector<std::string> planWarnings(const RecordPlan &Plan, llvm::StringRef ObjectName) {
  std::vector<std::string> Out;
  if (!Plan.Unresolved.empty())
    Out.push_back(summarised(Plan.Unresolved, ObjectName, "is not exported by the kernel",
                             "are not exported by the kernel"));
  if (!Plan.WithoutCrc.empty())
    Out.push_back(summarised(Plan.WithoutCrc, ObjectName, "has no CRC", "have no CRC"));
  return Out;
}

llvm::Expected<RecordPlan> planRecords(llvm::StringRef ObjectName,
                                       llvm::ArrayRef<std::string> Imports, const SymbolDb &Db,
                                       const RecordOptions &Options, const ElfTarget &Target) {
  RecordPlan Plan;
  std::vector<VersionRecord> All;
  llvm::StringSet<> Seen;
  auto Take = [&](const Export &E) {
    if (!Seen.insert(E.Name).second)
      return;
    if (!E.HasCrc) {
      Plan.WithoutCrc.push_back(E.Name);
      return;
    }
    All.push_back({E.Name, E.Crc});
  };

  if (Options.All) {
    for (const Export *E : Db.sorted())
      Take(*E);
  } else {
    for (const std::string &Name : Imports) {
      if (Name == ModuleLayoutSymbol)
        continue; // always added last, below
      if (const Export *E = Db.find(Name))
        Take(*E);
      else if (Seen.insert(Name).second)
        Plan.Unresolved.push_back(Name);
    }
    if (const Export *Layout = Db.find(ModuleLayoutSymbol))
      Take(*Layout);
  }

  if (!Plan.Unresolved.empty() && !Options.AllowUnresolved) {
    std::string List;
    for (const std::string &Name : Plan.Unresolved)
      List += (List.empty() ? "" : ", ") + Name;
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        ObjectName + ": the kernel does not export " + llvm::Twine(Plan.Unresolved.size()) +
            " imported symbol" + (Plan.Unresolved.size() == 1 ? "" : "s") + ": " + List +
            " (give --modules or --symvers for exporting modules, or --allow-unresolved)");
  }

  // Which tables, from the kernel's configuration when it is known (see RecordPlan).
  const KernelInfo &K = Db.kernel();
  std::optional<bool> KernelExtended = K.ExtendedModversions;
  // A configuration that sets MODVERSIONS but not EXTENDED_MODVERSIONS (every kernel before
  // 6.14 has no such option) means modpost runs without -x.
  if (!KernelExtended && K.Modversions.value_or(false))
    KernelExtended = false;
  Plan.Basic = K.BasicModversions.value_or(true);
  if (!Plan.Basic && KernelExtended == false && !Options.ForceExtended)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        ObjectName + ": the kernel" + (K.Release.empty() ? "" : " " + K.Release) +
            " is configured with neither CONFIG_BASIC_MODVERSIONS nor "
            "CONFIG_EXTENDED_MODVERSIONS: kbuild writes no version tables for it, and its "
            "loader accepts no versioned import without CONFIG_MODULE_FORCE_LOAD (--extended "
            "writes the extended tables anyway)");

  bool NeedExtended = Options.ForceExtended || KernelExtended.value_or(false) || !Plan.Basic;
  std::vector<std::string> TooLong;
  for (const VersionRecord &R : All) {
    if (fitsClassicRecord(R.Name, Target)) {
      if (Plan.Basic)
        Plan.Classic.push_back(R);
    } else if (KernelExtended == false && !Options.ForceExtended) {
      TooLong.push_back(R.Name);
    } else {
      NeedExtended = true;
    }
  }
  if (!TooLong.empty()) {
    // modpost 6.1 and a new modpost without -x stop at such a name: the kernel's loader could
    // only match it through the extended tables, which it does not read.
    std::string List;
    for (const std::string &Name : TooLong)
      List += (List.empty() ? "\"" : "\", \"") + Name;
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        ObjectName + ": too long symbol" + (TooLong.size() == 1 ? " " : "s ") + List +
            "\" for __versions (at most " + llvm::Twine(maxClassicNameLength(Target)) +
            " characters): the kernel is built without CONFIG_EXTENDED_MODVERSIONS, so "
            "modpost refuses it too (--extended writes the extended tables anyway)");
  }
  if (NeedExtended)
    Plan.Extended = std::move(All);
  return Plan;
}

VersionTables RecordPlan::tables() const {
  VersionTables T;
  if (Basic)
    T.Classic = Classic;
  T.Extended = Extended;
  return T;
}

static std::string hex(uint32_t V) {
  std::string S;
  llvm::raw_string_ostream(S) << llvm::format_hex(V, 10);
  return S;
}

GuardVerdict checkCompiledAgainst(const CompiledAgainst &Object,
                                  llvm::ArrayRef<std::string> Imports, const SymbolDb &Db) {
  GuardVerdict V;
  const KernelInfo &K = Db.kernel();
  if (K.Release.empty())
    V.Warnings.push_back("the database does not say which kernel release it describes (a "
                         "bare Module.symvers?): nothing can tell whether the object was "
                         "compiled against it");

  llvm::StringRef ObjRelease = releaseOfVermagic(Object.Vermagic);
  if (!ObjRelease.empty() && !K.Release.empty() && ObjRelease != K.Release)
    V.Refusals.push_back("it was compiled against kernel " + printable(ObjRelease) +
                         " (vermagic) but the database describes " + K.Release +
                         ": records from another kernel would hide an ABI mismatch; rebuild it "
                         "against " +
                         K.Release + "'s headers");
  if (!Object.Vermagic.empty() && !K.Vermagic.empty() &&
      flagsOfVermagic(Object.Vermagic) != flagsOfVermagic(K.Vermagic))
    V.Refusals.push_back("its vermagic '" + printable(Object.Vermagic) +
                         "' does not match the kernel's '" + printable(K.Vermagic) +
                         "' after the release: the kernel would refuse it");

  if (Object.Records) {
    llvm::StringSet<> Imported;
    for (const std::string &Name : Imports)
      Imported.insert(Name);
    Imported.insert(ModuleLayoutSymbol);
    for (const VersionRecord &R : *Object.Records) {
      if (!Imported.count(R.Name))
        continue;
      const Export *E = Db.find(R.Name);
      if (E && E->HasCrc && E->Crc != R.Crc)
        V.Changed.push_back({R.Name, R.Crc, E->Crc});
    }
    if (!V.Changed.empty()) {
      std::string List;
      for (const ChangedImport &C : V.Changed)
        List += (List.empty() ? "" : ", ") + C.Name + " (" + hex(C.ObjectCrc) + " -> " +
                hex(C.KernelCrc) + ")";
      V.Refusals.push_back("these imports changed since it was compiled: " + List +
                           ": recompile it against the new kernel");
    }
  }
  return V;
}

} // namespace modver
