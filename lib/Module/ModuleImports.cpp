#include "Module/ModuleImports.h"

#include "Elf/ElfFile.h"
#include "Module/ModuleElf.h"
#include "Module/ModuleObject.h"
#include "Support/Error.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace modver {

bool isIgnoredImport(llvm::StringRef Name, uint16_t Machine) {
  // Resolved when the .ko is finished (__this_module comes from <mod>.mod.o) or by the
  // loader itself.
  if (Name == "__this_module" || Name == "_GLOBAL_OFFSET_TABLE_")
    return true;
  if (Machine == llvm::ELF::EM_PPC || Machine == llvm::ELF::EM_PPC64) {
    // Out-of-line register save/restore helpers the compiler calls; the module's final link
    // supplies them, so no exporter ever exists.
    static constexpr llvm::StringLiteral Helpers[] = {"_savegpr",    "_restgpr", "_save32gpr_",
                                                      "_rest32gpr_", "_savefpr", "_restfpr",
                                                      "_savevr_",    "_restvr_"};
    for (llvm::StringRef P : Helpers)
      if (Name.starts_with(P))
        return true;
    if (Machine == llvm::ELF::EM_PPC64 && Name == ".TOC.")
      return true;
  }
  // s390 expoline thunks are likewise linked into every module.
  if (Machine == llvm::ELF::EM_S390 && Name.starts_with("__s390_indirect_jump_r"))
    return true;
  return false;
}

std::string moduleNameFromPath(llvm::StringRef Path) {
  llvm::StringRef Base = llvm::sys::path::filename(Path);
  for (llvm::StringRef Suffix : {".ko.xz", ".ko.zst", ".ko.gz", ".ko", ".o"})
    if (Base.consume_back(Suffix))
      break;
  // Kbuild names a module after its file with '-' turned into '_' (KBUILD_MODNAME), and the
  // loader and kmod compare names that way: usb-storage.ko is the module "usb_storage".
  std::string Name = Base.str();
  std::replace(Name.begin(), Name.end(), '-', '_');
  return Name;
}

namespace {

template <typename ELFT>
llvm::Error readSymbols(llvm::StringRef FileName, const llvm::object::ELFFile<ELFT> &Elf,
                        const typename ELFT::Shdr &SymTab, ModuleImports &Out) {
  auto Symbols = Elf.symbols(&SymTab);
  if (!Symbols)
    return inFile(FileName, Symbols.takeError());
  auto Strings = Elf.getStringTableForSymtab(SymTab);
  if (!Strings)
    return inFile(FileName, Strings.takeError());
  uint16_t Machine = Elf.getHeader().e_machine;
  llvm::StringSet<> Seen;
  bool First = true;
  for (const typename ELFT::Sym &Sym : *Symbols) {
    if (First) { // index 0 is the null symbol
      First = false;
      continue;
    }
    uint8_t Bind = Sym.getBinding();
    if (Bind != llvm::ELF::STB_GLOBAL && Bind != llvm::ELF::STB_WEAK)
      continue;
    auto Name = Sym.getName(*Strings);
    if (!Name)
      return inFile(FileName, Name.takeError());
    if (Name->empty())
      continue;
    if (!Sym.isUndefined()) {
      Out.Defined.push_back(Name->str());
      continue;
    }
    if (isIgnoredImport(*Name, Machine))
      continue;
    llvm::StringRef Import = *Name;
    // ELFv1 function entry points carry a leading dot; the export is the plain name.
    if (Machine == llvm::ELF::EM_PPC64)
      Import.consume_front(".");
    if (Seen.insert(Import).second)
      Out.Undefined.push_back({Import.str(), Bind == llvm::ELF::STB_WEAK});
  }
  return llvm::Error::success();
}

} // namespace

template <typename ELFT>
llvm::Expected<ModuleImports> readImportsFrom(llvm::StringRef FileName,
                                              const llvm::object::ELFFile<ELFT> &Elf,
                                              const SectionIndex &Index, const ElfTarget &T) {
  using Shdr = typename ELFT::Shdr;
  if (Elf.getHeader().e_type != llvm::ELF::ET_REL)
    return fileError(FileName, "not a relocatable object (a module is ET_REL)");
  auto Sections = Elf.sections();
  if (!Sections)
    return inFile(FileName, Sections.takeError());
  ModuleImports Out;
  Out.Target = T;
  const Shdr *SymTab = nullptr;
  for (size_t I = 0; I < Sections->size(); ++I) {
    const Shdr &Sec = (*Sections)[I];
    llvm::StringRef Name = Index.Names[I];
    if (Sec.sh_type == llvm::ELF::SHT_SYMTAB) {
      if (SymTab)
        return fileError(FileName, "has more than one symbol table");
      SymTab = &Sec;
    } else if (Name == ThisModuleSectionName) {
      Out.HasThisModule = true;
    } else if ((Name == "__ksymtab" || Name == "__ksymtab_gpl") && Sec.sh_size) {
      Out.ExportsSymbols = true;
    } else if (Name == "__kflagstab") {
      Out.HasKflagstab = true;
    }
  }
  // The loader refuses a module without symbols, so there is nothing sensible to report.
  if (!SymTab)
    return fileError(FileName, "has no symbol table (stripped?)");
  if (llvm::Error E = readSymbols(FileName, Elf, *SymTab, Out))
    return E;
  auto Info = readInfoFrom(FileName, Elf, Index);
  if (!Info)
    return Info.takeError();
  Out.Info = std::move(*Info);
  auto Versions = readVersionsFrom(FileName, Elf, Index, T);
  if (!Versions)
    return Versions.takeError();
  Out.Versions = std::move(*Versions);
  std::optional<llvm::StringRef> ModName = Out.Info ? Out.Info->name() : std::nullopt;
  Out.Name = ModName && !ModName->empty() ? ModName->str() : moduleNameFromPath(FileName);
  return Out;
}

#define INSTANTIATE(ELFT)                                                                          \
  template llvm::Expected<ModuleImports> readImportsFrom<ELFT>(                                    \
      llvm::StringRef, const llvm::object::ELFFile<ELFT> &, const SectionIndex &,                  \
      const ElfTarget &);
MODVER_FOR_EACH_ELFT(INSTANTIATE)
#undef INSTANTIATE

llvm::Expected<ModuleImports> readModuleImports(llvm::StringRef FileName,
                                                llvm::StringRef ElfBytes) {
  auto M = ModuleObject::fromBytes(FileName, ElfBytes);
  if (!M)
    return M.takeError();
  return M->imports();
}

} // namespace modver
