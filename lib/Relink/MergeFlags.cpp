#include "Relink/MergeFlags.h"

#include "Elf/ElfFile.h"
#include "Support/FileIO.h"

namespace modver {

// A copy of Bytes in which Wanted(section name, flags) decides each section's new flags;
// "" when no section changes.
template <typename FlagsFn>
static llvm::Expected<std::string> rewriteFlags(llvm::StringRef Path, llvm::StringRef Bytes,
                                                FlagsFn Wanted) {
  return withElfFile(Path, Bytes, [&](const auto &Elf) -> llvm::Expected<std::string> {
    using Shdr = typename std::remove_reference_t<decltype(Elf)>::Elf_Shdr;
    auto Sections = Elf.sections();
    if (!Sections)
      return Sections.takeError();
    std::string Out;
    for (const Shdr &Sec : *Sections) {
      auto Name = Elf.getSectionName(Sec);
      if (!Name)
        return Name.takeError();
      uint64_t Flags = Wanted(*Name, uint64_t(Sec.sh_flags));
      if (Flags == Sec.sh_flags)
        continue;
      if (Out.empty())
        Out = Bytes.str();
      // The header lives inside Bytes; patch the same place in the copy. LLVM's header
      // fields are byte-order-aware and unaligned-safe, so assignment writes it correctly.
      size_t Offset = reinterpret_cast<const char *>(&Sec) - Bytes.data();
      reinterpret_cast<Shdr *>(Out.data() + Offset)->sh_flags = Flags;
    }
    return Out;
  });
}

llvm::Expected<UnmergedInputs> withoutMergeFlags(const std::vector<std::string> &Inputs) {
  UnmergedInputs Out;
  for (const std::string &In : Inputs) {
    auto Buf = readFile(In);
    std::string Copy;
    if (Buf) {
      auto Rewritten =
          rewriteFlags(In, (*Buf)->getBuffer(), [&](llvm::StringRef Name, uint64_t Flags) {
            if (!(Flags & llvm::ELF::SHF_MERGE))
              return Flags;
            Out.Cleared.push_back(Name.str());
            return Flags & ~uint64_t(llvm::ELF::SHF_MERGE);
          });
      if (Rewritten)
        Copy = std::move(*Rewritten);
      else
        llvm::consumeError(Rewritten.takeError());
    } else {
      llvm::consumeError(Buf.takeError());
    }
    if (Copy.empty()) {
      Out.Paths.push_back(In);
      continue;
    }
    auto Temp = TempFile::create("unmerged", "o", Copy);
    if (!Temp)
      return Temp.takeError();
    Out.Paths.push_back(Temp->path());
    Out.Copies.push_back(std::move(*Temp));
  }
  return Out;
}

llvm::Error restoreMergeFlags(llvm::StringRef Path, const std::vector<std::string> &Cleared) {
  if (Cleared.empty())
    return llvm::Error::success();
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  auto Patched = rewriteFlags(Path, (*Buf)->getBuffer(), [&](llvm::StringRef Name, uint64_t Flags) {
    return llvm::is_contained(Cleared, Name) ? Flags | llvm::ELF::SHF_MERGE : Flags;
  });
  if (!Patched)
    return Patched.takeError();
  if (Patched->empty())
    return llvm::Error::success();
  Buf->reset(); // the file is rewritten below; do not keep it mapped
  return writeFileAtomically(Path, *Patched);
}

} // namespace modver
