#include "Check/Check.h"

#include "Support/Printable.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace modver {

namespace {

// One module's check, step by step as load_module takes them.
class LoadSimulation {
public:
  LoadSimulation(const ModuleImports &M, const SymbolDb &Db, const CheckOptions &Opt,
                 CheckResult &Out)
      : M(M), Db(Db), Out(Out) {
    Out.Loader = Opt.Loader ? *Opt.Loader : detectLoaderModel(Db);
    L = Out.Loader;
    ForceLoad = Opt.ForceLoad ? *Opt.ForceLoad : Db.kernel().ForceLoad.value_or(true);
    AllowMissingNs = Opt.AllowMissingNamespaceImports
                         ? *Opt.AllowMissingNamespaceImports
                         : Db.kernel().AllowMissingNamespaceImports.value_or(false);
    KeepGoing = Opt.KeepGoing;
    SigEnforce = Opt.SigEnforce ? *Opt.SigEnforce : Db.kernel().ModuleSigForce.value_or(false);
    ModuleSig = Db.kernel().ModuleSig;
    Out.Signed = M.Signature.has_value();
    // Extended tables are used instead of __versions when present (6.14+). A 6.1 loader does
    // not know them, but no 6.1 module carries them, so the newer rule is applied throughout.
    UsesExtended = M.Versions.Extended.has_value();
    const std::vector<VersionRecord> *Records = UsesExtended         ? &*M.Versions.Extended
                                                : M.Versions.Classic ? &*M.Versions.Classic
                                                                     : nullptr;
    if (Records)
      for (const VersionRecord &R : *Records)
        RecordOf.try_emplace(R.Name, R.Crc); // the loader takes the first match
    if (M.Info)
      for (llvm::StringRef Ns : M.Info->importedNamespaces())
        ImportedNs.insert(Ns);
  }

  void run() {
    checkSignature();
    if (Out.Result == Verdict::Refused && !KeepGoing)
      return;
    checkTarget();
    if (Out.Result == Verdict::Refused && !KeepGoing)
      return;
    checkModuleLayout();
    if (Out.Result == Verdict::Refused && !KeepGoing)
      return; // the loader stops at the first failed step
    checkVermagic();
    checkImportedModuleNamespaces();
    if (Out.Result == Verdict::Refused && !KeepGoing)
      return;
    checkExportFlags();
    if (Out.Result == Verdict::Refused && !KeepGoing)
      return;
    for (const ImportedSymbol &S : M.Undefined)
      resolve(S);
  }

private:
  const ModuleImports &M;
  const SymbolDb &Db;
  CheckResult &Out;
  LoaderModel L;
  bool UsesExtended = false;
  bool ForceLoad = true;
  bool AllowMissingNs = false;
  bool KeepGoing = false;
  bool SigEnforce = false;
  std::optional<bool> ModuleSig; // CONFIG_MODULE_SIG; unknown counts as set, as on distros
  bool ForcedOnce = false;
  llvm::StringMap<uint32_t> RecordOf;
  llvm::StringSet<> ImportedNs;

  bool hasVersionTable() const { return UsesExtended || M.Versions.Classic; }

  Problem &add(ProblemKind Kind, bool Fatal, std::string Symbol, std::string Message) {
    Out.Problems.push_back({Kind, Fatal, std::move(Symbol), {}, {}, {}, std::move(Message)});
    if (Fatal)
      Out.Result = Verdict::Refused;
    return Out.Problems.back();
  }

  // try_to_force_load: taint F when the kernel allows forcing, else refuse.
  void forceLoad(ProblemKind Kind, const std::string &What) {
    if (ForceLoad) {
      if (!ForcedOnce)
        add(Kind, false, "", What + ": kernel tainted.");
      ForcedOnce = true;
      if (Out.Result == Verdict::Loads)
        Out.Result = Verdict::LoadsForced;
    } else {
      add(Kind, true, "", What + ": refused (kernel built without CONFIG_MODULE_FORCE_LOAD)");
    }
  }

  // check_version: true when the symbol's version is acceptable.
  bool checkVersion(const std::string &Name, const Export &E, ProblemKind MismatchKind) {
    if (!E.HasCrc || !L.Modversions)
      return true; // exporter without a CRC (already tainted), or a loader that checks none
    if (!hasVersionTable()) {
      forceLoad(ProblemKind::NoVersions, Name);
      return ForceLoad;
    }
    auto It = RecordOf.find(Name);
    if (It == RecordOf.end()) {
      Problem &P =
          add(ProblemKind::NoSymbolVersion, false, Name,
              (UsesExtended ? "no extended symbol version for " : "no symbol version for ") +
                  printable(Name));
      P.KernelCrc = E.Crc;
      P.Exporter = E.Exporter;
      return true;
    }
    if (It->second == E.Crc)
      return true;
    Problem &P =
        add(MismatchKind, true, Name, "disagrees about version of symbol " + printable(Name));
    P.ModuleCrc = It->second;
    P.KernelCrc = E.Crc;
    P.Exporter = E.Exporter;
    return false;
  }

  // module_sig_check, the loader's very first step (with CONFIG_MODULE_SIG). What it decides
  // from the bytes alone is decided here: no signature, or one of a foreign kind, is refused
  // when enforcing; a trailer it cannot parse is refused always. A well-formed signature is
  // not verified (that needs the kernel's keyring): a stale one is refused by the kernel,
  // enforcing or not, which modcheck cannot see (docs/loader-rules.md).
  void checkSignature() {
    if (M.Signature && M.Signature->Form == SignatureForm::Malformed) {
      if (ModuleSig != false)
        add(ProblemKind::BadSignature, true, "",
            "appended signature is malformed: refused (EBADMSG) even when signatures are not "
            "enforced");
      return;
    }
    if (!SigEnforce)
      return;
    if (!M.Signature)
      add(ProblemKind::Unsigned, true, "", "Loading of unsigned module is rejected");
    else if (M.Signature->Form == SignatureForm::Unsupported)
      add(ProblemKind::Unsigned, true, "", "Loading of module with unsupported crypto is rejected");
  }

  // elf_validity_check: elf_check_arch compares the machine (and, where the header is read at
  // all, class and byte order); the OS ABI is compared too because the kernel's own objects
  // all carry the same one and a module with another was built for another system. A database
  // from Module.symvers alone does not know the target: then there is nothing to compare, and
  // the report says so (see printTextReport), rather than guessing x86-64.
  void checkTarget() {
    const std::optional<ElfTarget> &Kernel = Db.kernel().Target;
    const ElfTarget &Mine = M.Target;
    if (!Kernel)
      return;
    if (Mine.loadsInto(*Kernel))
      return;
    add(ProblemKind::WrongTarget, true, "",
        "Invalid architecture in ELF header: " + llvm::utostr(Mine.Machine) + " (module is " +
            Mine.describe() + ", the kernel is " + Kernel->describe() + ")");
  }

  void checkModuleLayout() {
    if (!L.Modversions)
      return; // check_modstruct_version only exists with CONFIG_MODVERSIONS
    const Export *Layout = Db.find(ModuleLayoutSymbol);
    if (!Layout)
      return; // a kernel without MODVERSIONS exports no module_layout
    checkVersion(std::string(ModuleLayoutSymbol), *Layout, ProblemKind::BadModuleLayout);
  }

  void checkVermagic() {
    std::optional<llvm::StringRef> Mine = M.Info ? M.Info->vermagic() : std::nullopt;
    if (!Mine) {
      forceLoad(ProblemKind::MissingVermagic, "bad vermagic");
      return;
    }
    const std::string &Kernel = Db.kernel().Vermagic;
    if (Kernel.empty())
      return; // unknown: nothing to compare against
    // With a __versions table a MODVERSIONS loader skips the release (the first word); the
    // extended tables do not count here, as in the loader. Without MODVERSIONS the whole
    // string is compared.
    llvm::StringRef A = *Mine, B = Kernel;
    if (L.Modversions && M.Versions.Classic) {
      A = A.drop_until([](char C) { return C == ' '; });
      B = B.drop_until([](char C) { return C == ' '; });
    }
    if (A != B)
      add(ProblemKind::BadVermagic, true, "",
          "version magic '" + printable(*Mine) + "' should be '" + printable(Kernel) + "'");
  }

  // 6.16+: "module:" namespaces are granted by name, never imported; a module naming one in
  // import_ns is refused (-EPERM) before its symbols are resolved.
  void checkImportedModuleNamespaces() {
    if (!L.moduleNamespaces() || !M.Info)
      return;
    for (llvm::StringRef Ns : M.Info->importedNamespaces())
      if (Ns.starts_with("module:"))
        add(ProblemKind::ModuleNamespaceImport, true, "",
            "module tries to import module namespace: " + Ns.str());
  }

  // 7.1+: every export needs its flag byte; without __kflagstab the loader refuses.
  void checkExportFlags() {
    if (L.exportFlags() && M.ExportsSymbols && !M.HasKflagstab)
      add(ProblemKind::NoExportFlags, true, "", "no flags for exported symbols");
  }

  bool namespaceGranted(llvm::StringRef Ns) const {
    if (ImportedNs.count(Ns))
      return true;
    return L.moduleNamespaces() && Ns.starts_with("module:") && moduleNamespaceAllows(Ns, M.Name);
  }

  bool gplAllowed() const {
    std::optional<llvm::StringRef> License = M.Info ? M.Info->license() : std::nullopt;
    return License && isGplCompatibleLicense(*License);
  }

  void resolve(const ImportedSymbol &S) {
    const Export *E = Db.find(S.Name);
    if (E && E->GplOnly && !gplAllowed())
      E = nullptr; // find_symbol hides GPL-only exports from proprietary modules
    if (!E) {
      if (S.Weak)
        return; // an unresolved weak symbol stays zero
      bool Hidden = Db.find(S.Name) != nullptr;
      Problem &P =
          add(ProblemKind::UnknownSymbol, true, S.Name,
              "Unknown symbol " + printable(S.Name) + " (err -2)" +
                  (Hidden ? " [GPL-only export, module license is not GPL-compatible]" : ""));
      if (Hidden)
        P.Exporter = Db.find(S.Name)->Exporter;
      return;
    }
    if (!checkVersion(S.Name, *E, ProblemKind::DisagreesVersion)) {
      // The failed version check comes back as -EINVAL; simplify_symbols logs it too.
      if (Out.Result == Verdict::Refused && !Out.Problems.empty() &&
          Out.Problems.back().Symbol == S.Name)
        Out.Problems.back().Message += "; Unknown symbol " + printable(S.Name) + " (err -22)";
      return;
    }
    if (!E->Namespace.empty() && !namespaceGranted(E->Namespace)) {
      Problem &P = add(ProblemKind::NamespaceNotImported, !AllowMissingNs, S.Name,
                       "module uses symbol (" + printable(S.Name) + ") from namespace " +
                           printable(E->Namespace) + ", but does not import it.");
      P.Exporter = E->Exporter;
    }
  }
};

} // namespace

CheckResult checkModule(llvm::StringRef Path, const ModuleImports &Module, const SymbolDb &Db,
                        const CheckOptions &Options) {
  CheckResult Out;
  Out.Path = Path.str();
  Out.Module = Module.Name;
  LoadSimulation(Module, Db, Options, Out).run();
  return Out;
}

llvm::StringRef verdictName(Verdict V) {
  switch (V) {
  case Verdict::Loads:
    return "compatible";
  case Verdict::LoadsForced:
    return "forced";
  case Verdict::Refused:
    return "incompatible";
  }
  return "?";
}

llvm::StringRef problemKindName(ProblemKind K) {
  switch (K) {
  case ProblemKind::WrongTarget:
    return "wrong_target";
  case ProblemKind::Unsigned:
    return "unsigned";
  case ProblemKind::BadSignature:
    return "bad_signature";
  case ProblemKind::BadModuleLayout:
    return "module_layout";
  case ProblemKind::NoVersions:
    return "no_versions";
  case ProblemKind::MissingVermagic:
    return "missing_vermagic";
  case ProblemKind::BadVermagic:
    return "bad_vermagic";
  case ProblemKind::UnknownSymbol:
    return "unknown_symbol";
  case ProblemKind::DisagreesVersion:
    return "disagrees_version";
  case ProblemKind::NoSymbolVersion:
    return "no_symbol_version";
  case ProblemKind::NamespaceNotImported:
    return "namespace_not_imported";
  case ProblemKind::ModuleNamespaceImport:
    return "module_namespace_import";
  case ProblemKind::NoExportFlags:
    return "no_export_flags";
  }
  return "?";
}

// Names compare with '-' and '_' as one character, as module names do.
static bool sameNameChar(char A, char B) {
  auto Norm = [](char C) { return C == '-' ? '_' : C; };
  return Norm(A) == Norm(B);
}

bool moduleNamespaceAllows(llvm::StringRef Ns, llvm::StringRef ModuleName) {
  if (!Ns.consume_front("module:"))
    return false;
  llvm::SmallVector<llvm::StringRef, 4> Patterns;
  Ns.split(Patterns, ',');
  for (llvm::StringRef P : Patterns) {
    bool Prefix = P.consume_back("*");
    if (Prefix ? ModuleName.size() < P.size() : ModuleName.size() != P.size())
      continue;
    bool Same = true;
    for (size_t I = 0; I < P.size() && Same; ++I)
      Same = sameNameChar(P[I], ModuleName[I]);
    if (Same)
      return true;
  }
  return false;
}

} // namespace modver
