#include "Versioning/ModversionsObject.h"

#include "Database/DbMetadata.h"
#include "Elf/ElfFile.h"
#include "Module/VersionsSection.h"
#include "Support/Error.h"
#include "Versioning/VersionsObject.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"

namespace modver {

// The files the exports came from, for a message about the database as a whole.
static std::string sourcesOf(const SymbolDb &Db) {
  llvm::StringSet<> Seen;
  std::vector<llvm::StringRef> Names;
  for (const Export &E : Db.exports())
    if (!E.Source.empty() && Seen.insert(E.Source).second)
      Names.push_back(E.Source);
  if (Names.empty())
    return "the inputs";
  return llvm::join(Names, ", ");
}

llvm::Expected<std::string> writeModversionsObject(const SymbolDb &Db) {
  if (!Db.kernel().Target)
    return fileError(sourcesOf(Db),
                     "cannot write modversions.o: the kernel's ELF target is unknown (a "
                     "Module.symvers does not say it: add a kernel image, --target-from or a "
                     "module of that kernel)");
  const ElfTarget &T = *Db.kernel().Target;
  std::vector<VersionRecord> All, Classic;
  All.reserve(Db.size());
  Classic.reserve(Db.size());
  std::vector<const Export *> Sorted = Db.sorted();
  for (const Export *E : Sorted) {
    if (E->Name.find('\0') != std::string::npos || E->Name.empty())
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "cannot write modversions.o: invalid symbol name '" + E->Name +
                                         "' from " + E->Source);
    // An export without a CRC keeps whatever Crc says: HasCrc in the metadata tells readers
    // to ignore it, and the loader ignores it too (the kernel side has no CRC to compare).
    All.push_back({E->Name, E->Crc});
    if (fitsClassicRecord(E->Name, T))
      Classic.push_back(All.back());
  }
  std::optional<std::vector<VersionRecord>> Extended;
  if (Classic.size() != All.size())
    Extended = std::move(All);
  auto Sections = versionsSections(T, Classic, Extended);
  if (!Sections)
    return Sections.takeError();
  Sections->push_back({DbSectionName.str(), llvm::ELF::SHT_PROGBITS, 0, 1, 0,
                       encodeDbMetadata(Db.kernel(), Sorted)});
  return writeElfObject(T, *Sections);
}

// The .modver.db text (inside Bytes, not copied), or an error when the section is missing.
static llvm::Expected<llvm::StringRef> readDbSection(llvm::StringRef FileName,
                                                     llvm::StringRef Bytes) {
  return withElfFile(FileName, Bytes, [&](const auto &Elf) -> llvm::Expected<llvm::StringRef> {
    auto Sec = findSection(Elf, DbSectionName);
    if (!Sec)
      return inFile(FileName, Sec.takeError());
    if (!*Sec)
      return fileError(FileName, "not a modversions.o: no " + DbSectionName + " section");
    auto Data = Elf.getSectionContents(**Sec);
    if (!Data)
      return inFile(FileName, Data.takeError());
    return llvm::toStringRef(*Data);
  });
}

static std::string hex(uint32_t V) {
  std::string S;
  llvm::raw_string_ostream(S) << llvm::format_hex(V, 10);
  return S;
}

// Name -> CRC from the records, checking that the two tables (when both exist) agree and
// that no name appears twice.
static llvm::Expected<llvm::StringMap<uint32_t>>
recordCrcs(llvm::StringRef FileName, const VersionTables &Tables, const ElfTarget &T) {
  llvm::StringMap<uint32_t> Crcs(unsigned(Tables.effective()->size()));
  const std::vector<VersionRecord> &Effective = *Tables.effective();
  llvm::StringRef Where = Tables.Extended ? ExtCrcsSectionName : VersionsSectionName;
  for (const VersionRecord &R : Effective)
    if (!Crcs.try_emplace(R.Name, R.Crc).second)
      return fileError(FileName, "symbol '" + R.Name + "' appears twice in " + Where);
  if (!Tables.Extended)
    return Crcs;
  size_t Fitting = 0;
  for (const VersionRecord &R : Effective)
    Fitting += fitsClassicRecord(R.Name, T);
  for (const VersionRecord &R : *Tables.Classic) {
    auto It = Crcs.find(R.Name);
    if (It == Crcs.end())
      return fileError(FileName, "symbol '" + R.Name + "' is in " + VersionsSectionName +
                                     " but not in the extended tables");
    if (It->second != R.Crc)
      return fileError(FileName, "symbol '" + R.Name + "' has CRC " + hex(R.Crc) + " in " +
                                     VersionsSectionName + " but " + hex(It->second) + " in " +
                                     ExtCrcsSectionName);
  }
  if (Tables.Classic->size() != Fitting)
    return fileError(FileName, VersionsSectionName + " holds " +
                                   llvm::Twine(Tables.Classic->size()) + " records, expected " +
                                   llvm::Twine(Fitting) + " (every name that fits)");
  return Crcs;
}

llvm::Expected<SymbolDb> readModversionsObject(llvm::StringRef FileName, llvm::StringRef Bytes) {
  auto Text = readDbSection(FileName, Bytes);
  if (!Text)
    return Text.takeError();
  auto Meta = decodeDbMetadata(FileName, *Text);
  if (!Meta)
    return Meta.takeError();
  auto Target = readElfTarget(FileName, Bytes);
  if (!Target)
    return Target.takeError();
  auto Tables = readVersionTables(FileName, Bytes);
  if (!Tables)
    return Tables.takeError();
  if (!Tables->Classic)
    return fileError(FileName,
                     "not a modversions.o: no allocated " + VersionsSectionName + " section");
  auto Crcs = recordCrcs(FileName, *Tables, *Target);
  if (!Crcs)
    return Crcs.takeError();

  SymbolDb Db;
  Db.kernel() = std::move(Meta->Kernel);
  Db.kernel().Target = *Target;
  for (Export &E : Meta->Exports) {
    auto It = Crcs->find(E.Name);
    if (It == Crcs->end())
      return fileError(FileName, "symbol '" + E.Name + "' is in " + DbSectionName +
                                     " but has no version record");
    E.Crc = It->second;
    Crcs->erase(It);
    if (llvm::Error Err = Db.add(std::move(E)))
      return inFile(FileName, std::move(Err));
  }
  if (!Crcs->empty()) {
    // Name the first in byte order so the message does not depend on hashing.
    llvm::StringRef First = Crcs->begin()->getKey();
    for (const auto &KV : *Crcs)
      First = std::min(First, KV.getKey());
    return fileError(FileName,
                     "symbol '" + First + "' has a version record but is not in " + DbSectionName);
  }
  return Db;
}

bool isModversionsObject(llvm::StringRef Bytes) {
  if (!looksLikeElf(Bytes))
    return false;
  auto Text = readDbSection("", Bytes);
  if (!Text) {
    llvm::consumeError(Text.takeError());
    return false;
  }
  return Text->starts_with("modver-db\t");
}

} // namespace modver
