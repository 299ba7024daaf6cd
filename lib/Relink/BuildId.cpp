#include "Relink/BuildId.h"

#include "Elf/ElfFile.h"
#include "Support/InputFile.h"

#include "llvm/ADT/StringExtras.h"

namespace modver {

static llvm::Expected<std::string> buildIdOf(llvm::StringRef Path) {
  auto Buf = readInputFile(Path);
  if (!Buf)
    return Buf.takeError();
  return withElfFile(
      Path, (*Buf)->getBuffer(), [&](const auto &Elf) -> llvm::Expected<std::string> {
        auto Sec = findSection(Elf, ".note.gnu.build-id");
        if (!Sec)
          return inFile(Path, Sec.takeError());
        if (!*Sec || (*Sec)->sh_type != llvm::ELF::SHT_NOTE)
          return std::string();
        llvm::Error Err = llvm::Error::success();
        for (const auto &Note : Elf.notes(**Sec, Err)) {
          if (Note.getType() == llvm::ELF::NT_GNU_BUILD_ID && Note.getName() == "GNU") {
            std::string Hex =
                llvm::toHex(Note.getDesc((*Sec)->sh_addralign == 8 ? 8 : 4), /*LowerCase=*/true);
            // Notes are walked lazily; the walk must be finished (or the error checked) before
            // Err may be dropped.
            llvm::consumeError(std::move(Err));
            return Hex;
          }
        }
        if (Err)
          return inFile(Path, std::move(Err));
        return std::string();
      });
}

std::string findBuildIdHex(const std::vector<std::string> &Inputs) {
  for (const std::string &Input : Inputs) {
    auto Id = buildIdOf(Input);
    if (!Id) {
      llvm::consumeError(Id.takeError());
      continue;
    }
    if (!Id->empty())
      return *Id;
  }
  return std::string();
}

} // namespace modver
