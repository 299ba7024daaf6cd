#include "Database/Symvers.h"

#include "Compression/Decompress.h"
#include "Support/Error.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace modver {

static constexpr llvm::StringLiteral ExportSymbol = "EXPORT_SYMBOL";
static constexpr llvm::StringLiteral ExportSymbolGpl = "EXPORT_SYMBOL_GPL";

// Hex with an optional 0x, every character of the field consumed, at most 32 bits. modpost
// uses strtoul, which would also take leading blanks, a sign or an empty field; nothing
// modpost writes looks like that, so such a field means the file is damaged.
static bool parseCrc(llvm::StringRef Field, uint32_t &Crc) {
  llvm::StringRef Digits = Field;
  if (Digits.starts_with("0x") || Digits.starts_with("0X"))
    Digits = Digits.drop_front(2);
  uint64_t Value;
  if (Digits.empty() || Digits.getAsInteger(16, Value) || Value > UINT32_MAX)
    return false;
  Crc = uint32_t(Value);
  return true;
}

static llvm::Error lineError(llvm::StringRef FileName, size_t Line, const llvm::Twine &What) {
  return fileError(FileName + ":" + llvm::Twine(Line), What);
}

// One line: four TABs delimit five fields; whatever follows the fourth TAB, TABs included,
// is the namespace, as in read_dump.
static llvm::Error parseLine(llvm::StringRef FileName, size_t LineNo, llvm::StringRef Line,
                             Export &E) {
  llvm::StringRef Fields[5];
  llvm::StringRef Rest = Line;
  for (unsigned I = 0; I < 4; ++I) {
    size_t Tab = Rest.find('\t');
    if (Tab == llvm::StringRef::npos)
      return lineError(FileName, LineNo,
                       "expected 5 tab-separated fields, found " + llvm::Twine(I + 1));
    Fields[I] = Rest.take_front(Tab);
    Rest = Rest.drop_front(Tab + 1);
  }
  Fields[4] = Rest;
  if (!parseCrc(Fields[0], E.Crc))
    return lineError(FileName, LineNo, "bad CRC '" + Fields[0] + "'");
  if (Fields[1].empty())
    return lineError(FileName, LineNo, "empty symbol name");
  if (Fields[2].empty())
    return lineError(FileName, LineNo, "empty module name for symbol '" + Fields[1] + "'");
  if (Fields[3] == ExportSymbolGpl)
    E.GplOnly = true;
  else if (Fields[3] == ExportSymbol)
    E.GplOnly = false;
  else
    return lineError(FileName, LineNo, "unknown export type '" + Fields[3] + "'");
  E.Name = Fields[1].str();
  E.Exporter = Fields[2].str();
  E.Namespace = Fields[4].str();
  E.Source = FileName.str();
  return llvm::Error::success();
}

llvm::Expected<SymbolDb> readSymvers(llvm::StringRef FileName, llvm::StringRef Text) {
  std::vector<Export> Exports;
  llvm::StringMap<size_t> FirstLine;
  bool AnyCrc = false;
  size_t LineNo = 0;
  // Like modpost's get_line: a final newline does not start another (empty) line, but an
  // empty line anywhere else is a malformed line.
  while (!Text.empty()) {
    ++LineNo;
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    Export E;
    if (llvm::Error Err = parseLine(FileName, LineNo, Line, E))
      return Err;
    auto [It, Inserted] = FirstLine.try_emplace(E.Name, LineNo);
    if (!Inserted)
      return lineError(FileName, LineNo,
                       "symbol '" + E.Name + "' is listed twice (first at line " +
                           llvm::Twine(It->second) + ")");
    AnyCrc |= E.Crc != 0;
    Exports.push_back(std::move(E));
  }
  SymbolDb Db;
  for (Export &E : Exports) {
    // All zero: modpost of a kernel without CONFIG_MODVERSIONS writes 0 for every export.
    E.HasCrc = AnyCrc;
    if (llvm::Error Err = Db.add(std::move(E)))
      return inFile(FileName, std::move(Err));
  }
  return Db;
}

llvm::Expected<SymbolDb> readSymversFile(llvm::StringRef Path) {
  auto Buf = readMaybeCompressed(Path);
  if (!Buf)
    return Buf.takeError();
  return readSymvers(Path, (*Buf)->getBuffer());
}

void writeSymvers(llvm::raw_ostream &OS, const SymbolDb &Db) {
  for (const Export *E : Db.sorted()) {
    // Only a kernel image leaves the exporter empty, and an image's exports are vmlinux's;
    // an empty field would make the file unreadable for modpost and for readSymvers.
    llvm::StringRef Exporter = E->Exporter.empty() ? "vmlinux" : llvm::StringRef(E->Exporter);
    OS << llvm::format("0x%08x", E->HasCrc ? E->Crc : 0u) << '\t' << E->Name << '\t'
       << Exporter << '\t' << (E->GplOnly ? ExportSymbolGpl : ExportSymbol) << '\t'
       << E->Namespace << '\n';
  }
}

} // namespace modver
