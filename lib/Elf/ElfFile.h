// Opening an ELF file of any class and byte order through LLVM's Object library.
//
// Readers are written once as a generic lambda over llvm::object::ELFFile<ELFT>; withElfFile
// checks the identification bytes, picks the one of the four ELFT flavours that fits, and
// turns every LLVM error into "<file>: <what>".
#pragma once

#include "Support/Error.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

#include <type_traits>

namespace modver {

// Checks that can be made before handing the bytes to LLVM, with messages a user understands.
llvm::Error checkElfIdent(llvm::StringRef FileName, llvm::StringRef Bytes);

template <typename Fn>
auto withElfFile(llvm::StringRef FileName, llvm::StringRef Bytes, Fn &&F)
    -> decltype(F(std::declval<const llvm::object::ELFFile<llvm::object::ELF64LE> &>())) {
  using namespace llvm::object;
  if (llvm::Error E = checkElfIdent(FileName, Bytes))
    return {std::move(E)};
  auto Run = [&](auto Tag) -> decltype(F(std::declval<const ELFFile<ELF64LE> &>())) {
    using ELFT = decltype(Tag);
    auto File = ELFFile<ELFT>::create(Bytes);
    if (!File)
      return inFile(FileName, File.takeError());
    return F(*File);
  };
  bool Is64 = Bytes[llvm::ELF::EI_CLASS] == llvm::ELF::ELFCLASS64;
  bool IsLE = Bytes[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  if (Is64)
    return IsLE ? Run(ELF64LE()) : Run(ELF64BE());
  return IsLE ? Run(ELF32LE()) : Run(ELF32BE());
}

// The section named Name, or nullptr. Section-name errors are reported, absence is not.
template <typename ELFT>
llvm::Expected<const typename ELFT::Shdr *>
findSection(const llvm::object::ELFFile<ELFT> &Elf, llvm::StringRef Name) {
  auto Sections = Elf.sections();
  if (!Sections)
    return Sections.takeError();
  for (const typename ELFT::Shdr &Sec : *Sections) {
    auto SecName = Elf.getSectionName(Sec);
    if (!SecName)
      return SecName.takeError();
    if (*SecName == Name)
      return &Sec;
  }
  return nullptr;
}

} // namespace modver
