// Opening an ELF file of any class and byte order through LLVM's Object library.
//
// Readers are written once as a generic lambda over llvm::object::ELFFile<ELFT>; withElfFile
// checks the identification bytes, picks the one of the four ELFT flavours that fits, and
// turns every LLVM error into "<file>: <what>".
#pragma once

#include "Elf/ElfTarget.h"
#include "Support/Error.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace modver {

// Checks that can be made before handing the bytes to LLVM, with messages a user understands.
llvm::Error checkElfIdent(llvm::StringRef FileName, llvm::StringRef Bytes);

// Sections whose bytes overlap in the file (each other, the ELF header or the section header
// table) are refused: a reader would take one section's bytes for another's. A section table
// LLVM cannot read is left for the reader to report.
template <typename ELFT>
llvm::Error checkSectionOverlap(llvm::StringRef FileName, const llvm::object::ELFFile<ELFT> &Elf) {
  auto Sections = Elf.sections();
  if (!Sections) {
    llvm::consumeError(Sections.takeError());
    return llvm::Error::success();
  }
  struct Range {
    uint64_t Begin, End;
    size_t Index; // section index; SIZE_MAX: the ELF header, SIZE_MAX - 1: the section table
  };
  std::vector<Range> Ranges;
  const auto &H = Elf.getHeader();
  Ranges.push_back({0, H.e_ehsize, SIZE_MAX});
  if (H.e_shoff)
    Ranges.push_back(
        {H.e_shoff, H.e_shoff + uint64_t(Sections->size()) * H.e_shentsize, SIZE_MAX - 1});
  for (size_t I = 0; I < Sections->size(); ++I) {
    const auto &Sec = (*Sections)[I];
    if (Sec.sh_type == llvm::ELF::SHT_NOBITS || Sec.sh_type == llvm::ELF::SHT_NULL ||
        Sec.sh_size == 0 || Sec.sh_offset + Sec.sh_size < Sec.sh_offset ||
        Sec.sh_offset + Sec.sh_size > Elf.getBufSize())
      continue; // past the end of the file: reported as such when the section is read
    Ranges.push_back({Sec.sh_offset, Sec.sh_offset + Sec.sh_size, I});
  }
  std::sort(Ranges.begin(), Ranges.end(),
            [](const Range &A, const Range &B) { return A.Begin < B.Begin; });
  auto Describe = [&](const Range &R) -> std::string {
    if (R.Index == SIZE_MAX)
      return "the ELF header";
    if (R.Index == SIZE_MAX - 1)
      return "the section header table";
    auto Name = Elf.getSectionName((*Sections)[R.Index]);
    if (!Name) {
      llvm::consumeError(Name.takeError());
      return "section [index " + std::to_string(R.Index) + "]";
    }
    return "section " + Name->str();
  };
  size_t Furthest = 0; // of the ranges before I, the one that ends last
  for (size_t I = 1; I < Ranges.size(); ++I) {
    if (Ranges[Furthest].End > Ranges[I].Begin)
      return fileError(FileName, Describe(Ranges[Furthest]) + " and " + Describe(Ranges[I]) +
                                     " overlap in the file");
    if (Ranges[I].End > Ranges[Furthest].End)
      Furthest = I;
  }
  return llvm::Error::success();
}

// The target an opened ELF file's header describes.
template <typename ELFT> ElfTarget targetOf(const llvm::object::ELFFile<ELFT> &Elf) {
  const auto &H = Elf.getHeader();
  ElfTarget T;
  T.Is64 = H.e_ident[llvm::ELF::EI_CLASS] == llvm::ELF::ELFCLASS64;
  T.IsLittleEndian = H.e_ident[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  T.Machine = H.e_machine;
  T.Flags = H.e_flags;
  T.OSABI = H.e_ident[llvm::ELF::EI_OSABI];
  T.ABIVersion = H.e_ident[llvm::ELF::EI_ABIVERSION];
  return T;
}

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
    if (llvm::Error E = checkSectionOverlap(FileName, *File))
      return {std::move(E)};
    return F(*File);
  };
  bool Is64 = Bytes[llvm::ELF::EI_CLASS] == llvm::ELF::ELFCLASS64;
  bool IsLE = Bytes[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  if (Is64)
    return IsLE ? Run(ELF64LE()) : Run(ELF64BE());
  return IsLE ? Run(ELF32LE()) : Run(ELF32BE());
}

// Calls F(Section, Name) for each section in table order while F returns true. An unreadable
// section table or name is the error returned (without the file name: callers add it).
template <typename ELFT, typename Fn>
llvm::Error forEachNamedSection(const llvm::object::ELFFile<ELFT> &Elf, Fn &&F) {
  auto Sections = Elf.sections();
  if (!Sections)
    return Sections.takeError();
  for (const typename ELFT::Shdr &Sec : *Sections) {
    auto Name = Elf.getSectionName(Sec);
    if (!Name)
      return Name.takeError();
    if (!F(Sec, *Name))
      break;
  }
  return llvm::Error::success();
}

// The section named Name, or nullptr. Section-name errors are reported, absence is not.
template <typename ELFT>
llvm::Expected<const typename ELFT::Shdr *> findSection(const llvm::object::ELFFile<ELFT> &Elf,
                                                        llvm::StringRef Name) {
  const typename ELFT::Shdr *Found = nullptr;
  if (llvm::Error E = forEachNamedSection(Elf, [&](const auto &Sec, llvm::StringRef N) {
        if (N == Name)
          Found = &Sec;
        return !Found;
      }))
    return E;
  return Found;
}

} // namespace modver
