#include "Module/ModuleInfo.h"

#include "Elf/ElfFile.h"
#include "Module/ModuleElf.h"
#include "Module/ModuleObject.h"

#include "Support/Error.h"
#include "llvm/ADT/StringExtras.h"

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

template <typename ELFT>
llvm::Expected<std::optional<ModuleInfo>> readInfoFrom(llvm::StringRef FileName,
                                                       const llvm::object::ELFFile<ELFT> &Elf,
                                                       const SectionIndex &Index) {
  std::optional<unsigned> I = Index.first(ModinfoSectionName);
  if (!I)
    return std::nullopt;
  auto Sections = Elf.sections();
  if (!Sections)
    return inFile(FileName, Sections.takeError());
  const typename ELFT::Shdr &Sec = (*Sections)[*I];
  if (Sec.sh_type == llvm::ELF::SHT_NOBITS)
    return fileError(FileName, "'" + ModinfoSectionName + "' has no contents (NOBITS)");
  auto Data = Elf.getSectionContents(Sec);
  if (!Data)
    return inFile(FileName, Data.takeError());
  auto Info = parseModuleInfo(FileName, llvm::toStringRef(*Data));
  if (!Info)
    return Info.takeError();
  return std::optional<ModuleInfo>(std::move(*Info));
}

#define INSTANTIATE(ELFT)                                                                          \
  template llvm::Expected<std::optional<ModuleInfo>> readInfoFrom<ELFT>(                           \
      llvm::StringRef, const llvm::object::ELFFile<ELFT> &, const SectionIndex &);
MODVER_FOR_EACH_ELFT(INSTANTIATE)
#undef INSTANTIATE

llvm::Expected<std::optional<ModuleInfo>> readModuleInfo(llvm::StringRef FileName,
                                                         llvm::StringRef ElfBytes) {
  auto M = ModuleObject::fromBytes(FileName, ElfBytes);
  if (!M)
    return M.takeError();
  return M->info();
}

bool isGplCompatibleLicense(llvm::StringRef License) {
  // The kernel's own list (license_is_gpl_compatible); anything else, including "GPL v3" or
  // different spelling or case, counts as proprietary.
  static constexpr llvm::StringLiteral Compatible[] = {
      "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
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
