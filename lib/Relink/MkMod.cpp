#include "Relink/MkMod.h"

#include "Compression/Decompress.h"
#include "Kernel/LoaderGeneration.h"
#include "Module/ModuleObject.h"
#include "Relink/CompressedSections.h"
#include "Versioning/VersionsObject.h"
#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/OutputFile.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace modver {

char RefusedError::ID;

// What several input objects that become one module say together.
struct CombinedInputs {
  ElfTarget Target;
  std::vector<std::string> Imports; // undefined in some input, defined in none, in order
  CompiledAgainst Against;
};

static llvm::Expected<CombinedInputs>
combine(llvm::ArrayRef<std::string> Names, llvm::ArrayRef<ModuleImports> Objects) {
  CombinedInputs C;
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
      if (auto V = M.Info->vermagic())
        C.Against.Vermagic = V->str();
    if (const std::vector<VersionRecord> *Records = M.Versions.effective()) {
      if (!C.Against.Records)
        C.Against.Records.emplace();
      C.Against.Records->insert(C.Against.Records->end(), Records->begin(), Records->end());
    }
  }
  for (const ModuleImports &M : Objects)
    for (const ImportedSymbol &S : M.Undefined)
      if (!Defined.count(S.Name) && Seen.insert(S.Name).second)
        C.Imports.push_back(S.Name);
  return C;
}

llvm::Expected<PreparedModule> prepareModule(llvm::ArrayRef<std::string> Inputs,
                                             llvm::StringRef Output, const SymbolDb &Db,
                                             const MkModOptions &Options) {
  if (Inputs.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no input objects");
  PreparedModule P;
  P.Inputs = Inputs.vec();
  P.Output = Output.str();
  P.KeepMode = Options.InPlace;
  if (!Options.InPlace)
    if (llvm::Error E = checkOutputIsNotAnInput(Output, Inputs))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     llvm::toString(std::move(E)) +
                                         "; an input is never overwritten unless --in-place "
                                         "is given");

  std::vector<ModuleImports> Objects;
  for (const std::string &In : Inputs) {
    auto Module = ModuleObject::open(In);
    if (!Module)
      return Module.takeError();
    // LLD trusts SHF_COMPRESSED headers: a lying ch_size would make it write that much.
    if (llvm::Error E = checkCompressedSections(In, Module->bytes(), MaxModuleSize))
      return E;
    auto Imports = Module->imports();
    if (!Imports)
      return Imports.takeError();
    if (Imports->Target.Machine == 0)
      return fileError(In, "has no machine type");
    Objects.push_back(std::move(*Imports));
    if (Module->wasCompressed()) { // the linker reads files: give it the decompressed bytes
      auto T = TempFile::create("input", "o", Module->bytes());
      if (!T)
        return inFile(Output, T.takeError());
      P.LinkInputs.push_back(T->path());
      P.Temporaries.push_back(std::move(*T));
    } else {
      P.LinkInputs.push_back(In);
    }
  }

  auto Combined = combine(Inputs, Objects);
  if (!Combined)
    return Combined.takeError();
  if (Db.kernel().Target && !Combined->Target.loadsInto(*Db.kernel().Target))
    return fileError(Inputs[0], "is " + Combined->Target.describe() +
                                    " but the kernel is " + Db.kernel().Target->describe());

  P.Guard = checkCompiledAgainst(Combined->Against, Combined->Imports, Db);
  P.Warnings = P.Guard.Warnings;
  if (P.Guard.refused()) {
    std::string Why;
    for (const std::string &R : P.Guard.Refusals)
      Why += (Why.empty() ? "" : "; ") + R;
    if (!Options.Force)
      return llvm::make_error<RefusedError>(Inputs[0] + ": refused: " + Why +
                                            " (--force relinks anyway)");
    P.Warnings.push_back("--force: relinking although " + Why);
  }

  auto Plan = planRecords(Inputs[0], Combined->Imports, Db, Options.Records, Combined->Target);
  if (!Plan)
    return Plan.takeError();
  P.Plan = std::move(*Plan);
  for (std::string &W : planWarnings(P.Plan, Inputs[0]))
    P.Warnings.push_back(std::move(W));

  auto Object =
      writeVersionsObject(Combined->Target, P.Plan.tables(), SectionNames::modverInput());
  if (!Object)
    return Object.takeError();
  auto T = TempFile::create("versions", "o", *Object);
  if (!T)
    return inFile(Output, T.takeError());
  P.LinkInputs.push_back(T->path());
  P.Temporaries.push_back(std::move(*T));
  return P;
}

llvm::Error requireModversions(const SymbolDb &Db) {
  LoaderModel L = detectLoaderModel(Db);
  if (L.Modversions)
    return llvm::Error::success();
  const KernelInfo &K = Db.kernel();
  std::string Kernel = K.Release.empty() ? "the kernel" : "kernel " + K.Release;
  std::string Magic = K.Vermagic.empty() ? "" : " '" + K.Vermagic + "'";
  return llvm::make_error<RefusedError>(
      Kernel + " is built without CONFIG_MODVERSIONS: its loader checks no version records, "
               "so a module needs none; it loads when its vermagic equals the kernel's" +
      Magic + " (release included): build the module against this kernel's headers instead "
              "(nothing written)");
}

llvm::Error linkModule(PreparedModule &M, Linker &L, llvm::StringRef ScriptPath) {
  // Messages name the user's inputs, and the generated object for what follows them.
  std::vector<std::string> Names = M.Inputs;
  while (Names.size() < M.LinkInputs.size())
    Names.push_back("<version records for " + M.Output + ">");
  Compression C = compressionForSuffix(M.Output);
  if (C == Compression::None)
    return L.link({M.LinkInputs, M.Output, ScriptPath.str(), Names, M.KeepMode});

  auto Linked = TempFile::reserve("linked", "ko");
  if (!Linked)
    return inFile(M.Output, Linked.takeError());
  if (llvm::Error E = L.link({M.LinkInputs, Linked->path(), ScriptPath.str(), Names}))
    return E;
  auto Bytes = readInputFile(Linked->path());
  if (!Bytes)
    return Bytes.takeError();
  auto Packed = compress(M.Output, (*Bytes)->getBuffer(), C);
  if (!Packed)
    return Packed.takeError();
  return writeFileAtomically(M.Output, *Packed, {/*Dash=*/false, M.KeepMode});
}

} // namespace modver
