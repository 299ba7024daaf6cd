#include "Elf/ElfTarget.h"

#include "Elf/ElfFile.h"

#include "llvm/Object/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

bool looksLikeElf(llvm::StringRef Bytes) { return Bytes.startswith("\x7f" "ELF"); }

llvm::Error checkElfIdent(llvm::StringRef FileName, llvm::StringRef Bytes) {
  if (!looksLikeElf(Bytes))
    return fileError(FileName, Bytes.empty() ? "file is empty" : "not an ELF file");
  if (Bytes.size() < llvm::ELF::EI_NIDENT)
    return fileError(FileName, "truncated ELF header");
  uint8_t Class = Bytes[llvm::ELF::EI_CLASS];
  if (Class != llvm::ELF::ELFCLASS32 && Class != llvm::ELF::ELFCLASS64)
    return fileError(FileName, "unknown ELF class " + llvm::Twine(unsigned(Class)));
  uint8_t Data = Bytes[llvm::ELF::EI_DATA];
  if (Data != llvm::ELF::ELFDATA2LSB && Data != llvm::ELF::ELFDATA2MSB)
    return fileError(FileName, "unknown ELF byte order " + llvm::Twine(unsigned(Data)));
  size_t HeaderSize = Class == llvm::ELF::ELFCLASS64 ? sizeof(llvm::ELF::Elf64_Ehdr)
                                                      : sizeof(llvm::ELF::Elf32_Ehdr);
  if (Bytes.size() < HeaderSize)
    return fileError(FileName, "truncated ELF header (" + llvm::Twine(Bytes.size()) +
                                   " bytes, need " + llvm::Twine(HeaderSize) + ")");
  // e_version is 1 in every ELF file: read in the wrong order it is 0x01000000, which tells
  // an EI_DATA that contradicts the content from a merely corrupt header.
  const char *VersionField = Bytes.data() + 0x14;
  bool LE = Data == llvm::ELF::ELFDATA2LSB;
  uint32_t Version = LE ? llvm::support::endian::read32le(VersionField)
                        : llvm::support::endian::read32be(VersionField);
  uint32_t Swapped = LE ? llvm::support::endian::read32be(VersionField)
                        : llvm::support::endian::read32le(VersionField);
  if (Version != llvm::ELF::EV_CURRENT && Swapped == llvm::ELF::EV_CURRENT)
    return fileError(FileName, llvm::Twine("byte order contradicts EI_DATA: the header reads as ") +
                                   (Data == llvm::ELF::ELFDATA2LSB ? "big" : "little") +
                                   "-endian, EI_DATA says " +
                                   (Data == llvm::ELF::ELFDATA2LSB ? "little" : "big") +
                                   "-endian");
  return llvm::Error::success();
}

llvm::Expected<ElfTarget> readElfTarget(llvm::StringRef FileName, llvm::StringRef Bytes) {
  return withElfFile(FileName, Bytes, [&](const auto &Elf) -> llvm::Expected<ElfTarget> {
    const auto &H = Elf.getHeader();
    ElfTarget T;
    T.Is64 = H.e_ident[llvm::ELF::EI_CLASS] == llvm::ELF::ELFCLASS64;
    T.IsLittleEndian = H.e_ident[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
    T.Machine = H.e_machine;
    T.Flags = H.e_flags;
    T.OSABI = H.e_ident[llvm::ELF::EI_OSABI];
    T.ABIVersion = H.e_ident[llvm::ELF::EI_ABIVERSION];
    return T;
  });
}

static llvm::StringRef machineName(uint16_t Machine) {
  switch (Machine) {
  case llvm::ELF::EM_X86_64: return "x86-64";
  case llvm::ELF::EM_386: return "i386";
  case llvm::ELF::EM_AARCH64: return "aarch64";
  case llvm::ELF::EM_ARM: return "arm";
  case llvm::ELF::EM_PPC: return "powerpc";
  case llvm::ELF::EM_PPC64: return "powerpc64";
  case llvm::ELF::EM_S390: return "s390";
  case llvm::ELF::EM_RISCV: return "riscv";
  case llvm::ELF::EM_MIPS: return "mips";
  case llvm::ELF::EM_SPARCV9: return "sparc64";
  default: return "";
  }
}

llvm::StringRef ElfTarget::kernelArch() const {
  switch (Machine) {
  case llvm::ELF::EM_X86_64:
  case llvm::ELF::EM_386: return "x86";
  case llvm::ELF::EM_AARCH64: return "arm64";
  case llvm::ELF::EM_ARM: return "arm";
  case llvm::ELF::EM_PPC:
  case llvm::ELF::EM_PPC64: return "powerpc";
  case llvm::ELF::EM_S390: return "s390";
  case llvm::ELF::EM_RISCV: return "riscv";
  case llvm::ELF::EM_MIPS: return "mips";
  case llvm::ELF::EM_SPARCV9: return "sparc";
  default: return "";
  }
}

std::string ElfTarget::describe() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << (Is64 ? "ELF64 " : "ELF32 ") << (IsLittleEndian ? "little-endian " : "big-endian ");
  llvm::StringRef Name = machineName(Machine);
  if (Name.empty())
    OS << "machine " << Machine;
  else
    OS << Name;
  return OS.str();
}

} // namespace modver
