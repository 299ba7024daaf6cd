#include "Module/ModuleInfo.h"

#include "Elf/ElfFile.h"

#include "llvm/ADT/StringExtras.h"
#include "Support/Error.h"

namespace modver {

std::optional<llvm::StringRef> ModuleInfo::get(llvm::StringRef Key) const {
  for (const auto &[K, V] : Entries)
    if (K == Key)
      return llvm::StringRef(V);
  return std::nullopt;
}

std::vector<llvm::StringRef> ModuleInfo::getAll(llvm::StringRef Key) const {
  std::vector<llvm::StringRef> Out;
  for (const auto &[K, V] : Entries)
    if (K == Key)
      Out.push_back(V);
  return Out;
}

std::vector<llvm::StringRef> ModuleInfo::depends() const {
  std::vector<llvm::StringRef> Out;
  std::optional<llvm::StringRef> List = get("depends");
  if (!List)
    return Out;
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  List->split(Parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  Out.assign(Parts.begin(), Parts.end());
  return Out;
}

llvm::Expected<ModuleInfo> parseModuleInfo(llvm::StringRef FileName, llvm::StringRef Bytes) {
  ModuleInfo Info;
  size_t Pos = 0;
  while (Pos < Bytes.size()) {
    size_t End = Bytes.find('\0', Pos);
    if (End == llvm::StringRef::npos)
      return fileErrorAt(FileName, Pos,
                         "'" + ModinfoSectionName + "' ends inside a string (no NUL)");
    llvm::StringRef Entry = Bytes.slice(Pos, End);
    Pos = End + 1;
    if (Entry.empty())
      continue; // alignment padding between entries
    auto [Key, Value] = Entry.split('=');
    Info.Entries.emplace_back(Key.str(), Value.str());
  }
  return Info;
}

llvm::Expected<std::optional<ModuleInfo>> readModuleInfo(llvm::StringRef FileName,
                                                         llvm::StringRef ElfBytes) {
  return withElfFile(
      FileName, ElfBytes, [&](const auto &Elf) -> llvm::Expected<std::optional<ModuleInfo>> {
        auto Sec = findSection(Elf, ModinfoSectionName);
        if (!Sec)
          return inFile(FileName, Sec.takeError());
        if (!*Sec)
          return std::nullopt;
        if ((*Sec)->sh_type == llvm::ELF::SHT_NOBITS)
          return fileError(FileName, "'" + ModinfoSectionName + "' has no contents (NOBITS)");
        auto Data = Elf.getSectionContents(**Sec);
        if (!Data)
          return inFile(FileName, Data.takeError());
        auto Info = parseModuleInfo(FileName, llvm::toStringRef(*Data));
        if (!Info)
          return Info.takeError();
        return std::optional<ModuleInfo>(std::move(*Info));
      });
}

bool isGplCompatibleLicense(llvm::StringRef License) {
  // The kernel's own list (license_is_gpl_compatible); anything else, including "GPL v3" or
  // different spelling or case, counts as proprietary.
  static constexpr llvm::StringLiteral Compatible[] = {
      "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
      "Dual MPL/GPL"};
  for (llvm::StringRef C : Compatible)
    if (License == C)
      return true;
  return false;
}

llvm::StringRef releaseOfVermagic(llvm::StringRef Vermagic) {
  return Vermagic.take_until([](char C) { return C == ' '; });
}

llvm::StringRef flagsOfVermagic(llvm::StringRef Vermagic) {
  size_t Space = Vermagic.find(' ');
  return Space == llvm::StringRef::npos ? llvm::StringRef() : Vermagic.drop_front(Space + 1);
}

} // namespace modver
