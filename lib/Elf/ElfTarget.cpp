#include "Elf/ElfTarget.h"

#include "Elf/ElfFile.h"

#include "llvm/Object/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

bool looksLikeElf(llvm::StringRef Bytes) {
  return Bytes.starts_with("\x7f"
                           "ELF");
}

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
                                   (Data == llvm::ELF::ELFDATA2LSB ? "little" : "big") + "-endian");
  return llvm::Error::success();
}

llvm::Expected<ElfTarget> readElfTarget(llvm::StringRef FileName, llvm::StringRef Bytes) {
  return withElfFile(FileName, Bytes,
                     [&](const auto &Elf) -> llvm::Expected<ElfTarget> { return targetOf(Elf); });
}

namespace {

// How a machine is called in messages, and by the kernel (its directory under arch/).
struct MachineNames {
  uint16_t Machine;
  const char *Name, *KernelArch;
};

constexpr MachineNames KnownMachines[] = {
    {llvm::ELF::EM_X86_64, "x86-64", "x86"},     {llvm::ELF::EM_386, "i386", "x86"},
    {llvm::ELF::EM_AARCH64, "aarch64", "arm64"}, {llvm::ELF::EM_ARM, "arm", "arm"},
    {llvm::ELF::EM_PPC, "powerpc", "powerpc"},   {llvm::ELF::EM_PPC64, "powerpc64", "powerpc"},
    {llvm::ELF::EM_S390, "s390", "s390"},        {llvm::ELF::EM_RISCV, "riscv", "riscv"},
    {llvm::ELF::EM_MIPS, "mips", "mips"},        {llvm::ELF::EM_SPARCV9, "sparc64", "sparc"},
};

const MachineNames *namesOf(uint16_t Machine) {
  for (const MachineNames &M : KnownMachines)
    if (M.Machine == Machine)
      return &M;
  return nullptr;
}

} // namespace

llvm::StringRef ElfTarget::kernelArch() const {
  const MachineNames *M = namesOf(Machine);
  return M ? M->KernelArch : "";
}

std::string ElfTarget::describe() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << (Is64 ? "ELF64 " : "ELF32 ") << (IsLittleEndian ? "little-endian " : "big-endian ");
  if (const MachineNames *M = namesOf(Machine))
    OS << M->Name;
  else
    OS << "machine " << Machine;
  // Shown only when set: a Linux x86 object leaves them 0 (System V), and targets that differ
  // only here must not print as two identical descriptions.
  if (OSABI != 0)
    OS << ", OS ABI " << unsigned(OSABI);
  if (ABIVersion != 0)
    OS << ", ABI version " << unsigned(ABIVersion);
  if (Flags != 0)
    OS << ", flags " << llvm::format_hex(Flags, 1);
  return OS.str();
}

} // namespace modver
