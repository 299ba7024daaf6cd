// Inside lib/Module: the section index a ModuleObject builds once, and the readers that answer
// from it. Each reader is a template over LLVM's ELFFile flavour, instantiated for the four
// flavours in its own .cpp (MODVER_FOR_EACH_ELFT).
#pragma once

#include "Database/SymbolDb.h"
#include "Elf/ElfTarget.h"
#include "Module/ModuleImports.h"
#include "Module/ModuleInfo.h"
#include "Module/VersionsSection.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Object/ELF.h"

#include <optional>
#include <vector>

namespace modver {

// Every section's name, read once; lookups by name without another pass over the table.
struct SectionIndex {
  std::vector<llvm::StringRef> Names; // by section index, the null section included
  llvm::StringMap<llvm::SmallVector<unsigned, 1>> ByName;

  // The indices of the sections called Name, in table order.
  llvm::ArrayRef<unsigned> all(llvm::StringRef Name) const {
    auto It = ByName.find(Name);
    return It == ByName.end() ? llvm::ArrayRef<unsigned>() : llvm::ArrayRef(It->second);
  }
  // The first section called Name at index From or later, or nullopt.
  std::optional<unsigned> first(llvm::StringRef Name, unsigned From = 0) const {
    for (unsigned I : all(Name))
      if (I >= From)
        return I;
    return std::nullopt;
  }
};

template <typename ELFT>
llvm::Expected<ModuleImports> readImportsFrom(llvm::StringRef FileName,
                                              const llvm::object::ELFFile<ELFT> &Elf,
                                              const SectionIndex &Index, const ElfTarget &T);
template <typename ELFT>
llvm::Expected<SymbolDb> readExportsFrom(llvm::StringRef FileName,
                                         const llvm::object::ELFFile<ELFT> &Elf,
                                         const SectionIndex &Index, llvm::StringRef ExporterName);
template <typename ELFT>
llvm::Expected<std::optional<ModuleInfo>> readInfoFrom(llvm::StringRef FileName,
                                                       const llvm::object::ELFFile<ELFT> &Elf,
                                                       const SectionIndex &Index);
template <typename ELFT>
llvm::Expected<VersionTables> readVersionsFrom(llvm::StringRef FileName,
                                               const llvm::object::ELFFile<ELFT> &Elf,
                                               const SectionIndex &Index, const ElfTarget &T);

#define MODVER_FOR_EACH_ELFT(M)                                                                    \
  M(llvm::object::ELF64LE)                                                                         \
  M(llvm::object::ELF64BE) M(llvm::object::ELF32LE) M(llvm::object::ELF32BE)

} // namespace modver
