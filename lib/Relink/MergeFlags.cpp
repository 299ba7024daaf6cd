#include "Relink/MergeFlags.h"

#include "Elf/ElfFile.h"
#include "Support/Error.h"
#include "Support/InputFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace modver {

// A section header rewritten: its offset in the file and its new bytes.
struct HeaderPatch {
  size_t Offset;
  std::string Bytes;
};

// The headers of the ELF file in Bytes whose flags Wanted(section name, flags) changes, with
// their new bytes; none when no section changes. Only headers are produced, so a caller can
// patch a copy (inputs, which are not ours) or the file itself (the linker's private output)
// without copying the whole file.
template <typename FlagsFn>
static llvm::Expected<std::vector<HeaderPatch>> flagPatches(llvm::StringRef Path,
                                                            llvm::StringRef Bytes, FlagsFn Wanted) {
  return withElfFile(Path, Bytes, [&](const auto &Elf) -> llvm::Expected<std::vector<HeaderPatch>> {
    using Shdr = typename std::remove_reference_t<decltype(Elf)>::Elf_Shdr;
    std::vector<HeaderPatch> Out;
    if (llvm::Error E = forEachNamedSection(Elf, [&](const Shdr &Sec, llvm::StringRef Name) {
          uint64_t Flags = Wanted(Name, uint64_t(Sec.sh_flags));
          if (Flags == Sec.sh_flags)
            return true;
          // The header lives inside Bytes. LLVM's header fields are byte-order-aware and
          // unaligned-safe, so assigning to a copy of it writes the field correctly.
          Shdr New = Sec;
          New.sh_flags = Flags;
          size_t Offset = reinterpret_cast<const char *>(&Sec) - Bytes.data();
          Out.push_back({Offset, std::string(reinterpret_cast<const char *>(&New), sizeof(New))});
          return true;
        }))
      return E;
    return Out;
  });
}

llvm::Expected<UnmergedInputs> withoutMergeFlags(const std::vector<std::string> &Inputs) {
  UnmergedInputs Out;
  for (const std::string &In : Inputs) {
    auto Buf = readInputFile(In);
    std::string Copy;
    if (Buf) {
      auto Patches =
          flagPatches(In, (*Buf)->getBuffer(), [&](llvm::StringRef Name, uint64_t Flags) {
            if (!(Flags & llvm::ELF::SHF_MERGE))
              return Flags;
            Out.Cleared.push_back(Name.str());
            return Flags & ~uint64_t(llvm::ELF::SHF_MERGE);
          });
      if (!Patches) {
        llvm::consumeError(Patches.takeError());
      } else if (!Patches->empty()) {
        Copy = (*Buf)->getBuffer().str();
        for (const HeaderPatch &P : *Patches)
          Copy.replace(P.Offset, P.Bytes.size(), P.Bytes);
      }
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
  std::vector<HeaderPatch> Patches;
  {
    auto Buf = readInputFile(Path);
    if (!Buf)
      return Buf.takeError();
    auto Found = flagPatches(Path, (*Buf)->getBuffer(), [&](llvm::StringRef Name, uint64_t Flags) {
      return llvm::is_contained(Cleared, Name) ? Flags | llvm::ELF::SHF_MERGE : Flags;
    });
    if (!Found)
      return Found.takeError();
    Patches = std::move(*Found);
  } // unmapped before the file is written
  if (Patches.empty())
    return llvm::Error::success();
  // Path is the linker's private temporary output, not yet in place: patch the few header
  // bytes in the file itself rather than rewriting all of it.
  int FD = ::open(Path.str().c_str(), O_WRONLY | O_CLOEXEC);
  if (FD < 0)
    return fileError(Path, "cannot open for writing: " + llvm::Twine(std::strerror(errno)));
  for (const HeaderPatch &P : Patches) {
    ssize_t N = ::pwrite(FD, P.Bytes.data(), P.Bytes.size(), off_t(P.Offset));
    if (N != ssize_t(P.Bytes.size())) {
      int Err = N < 0 ? errno : EIO;
      ::close(FD);
      return fileError(Path, "cannot write a section header: " + llvm::Twine(std::strerror(Err)));
    }
  }
  if (::close(FD) != 0)
    return fileError(Path, "cannot write: " + llvm::Twine(std::strerror(errno)));
  return llvm::Error::success();
}

} // namespace modver
