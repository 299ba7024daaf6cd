#include "Relink/MkMod.h"

#include "Compression/Decompress.h"
#include "Kernel/LoaderGeneration.h"
#include "Module/ModuleObject.h"
#include "Relink/CompressedSections.h"
#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/OutputFile.h"
#include "Versioning/VersionsObject.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace modver {

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

  auto Combined = combineInputs(Inputs, Objects, Db);
  if (!Combined)
    return Combined.takeError();
  GuardPolicy Guard{Options.Force, "--force relinks anyway", "--force: relinking although"};
  auto Planned = planModule(Inputs[0], *Combined, Db, Options.Records, Guard);
  if (!Planned)
    return Planned.takeError();
  P.Guard = std::move(Planned->Guard);
  P.Plan = std::move(Planned->Plan);
  P.Warnings = std::move(Planned->Warnings);

  auto Object = writeVersionsObject(Combined->Target, P.Plan.tables(), SectionNames::modverInput());
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
      Kernel +
      " is built without CONFIG_MODVERSIONS: its loader checks no version records, "
      "so a module needs none; it loads when its vermagic equals the kernel's" +
      Magic +
      " (release included): build the module against this kernel's headers instead "
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
