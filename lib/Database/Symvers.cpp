#include "Database/Symvers.h"

#include "Compression/Decompress.h"
#include "Support/Error.h"
#include "Support/Printable.h"

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
bool parseSymversCrc(llvm::StringRef Field, uint32_t &Crc) {
  llvm::StringRef Digits = Field;
  if (Digits.starts_with("0x") || Digits.starts_with("0X"))
    Digits = Digits.drop_front(2);
  uint64_t Value;
  if (Digits.empty() || Digits.getAsInteger(16, Value) || Value > UINT32_MAX)
    return false;
  Crc = uint32_t(Value);
  return true;
}

bool looksLikeSymvers(llvm::StringRef Bytes) {
  size_t Tab = Bytes.find('\t');
  if (Tab == llvm::StringRef::npos || Bytes.take_front(Tab).contains('\n'))
    return false;
  uint32_t Crc;
  return parseSymversCrc(Bytes.take_front(Tab), Crc);
}

static llvm::Error lineError(llvm::StringRef FileName, size_t Line, const llvm::Twine &What) {
  return fileError(FileName + ":" + llvm::Twine(Line), What);
}

// One line: four TABs delimit five fields. modpost's read_dump takes whatever follows the
// fourth TAB as the namespace; a namespace never holds a TAB, so a fifth TAB means a damaged
// or hand-edited file and is refused rather than read into the namespace.
static llvm::Error parseLine(llvm::StringRef FileName, size_t LineNo, llvm::StringRef Line,
                             Export &E) {
  // Bytes no field can hold: a NUL would cut every C string made of the name, a CR left here
  // comes from CR-only line endings (CRLF lost its CR before this point).
  size_t Bad = Line.find_first_of(llvm::StringRef("\0\r", 2));
  if (Bad != llvm::StringRef::npos)
    return lineError(FileName, LineNo,
                     Line[Bad] == '\0' ? "NUL byte at column " + llvm::Twine(Bad + 1)
                                       : "carriage return at column " + llvm::Twine(Bad + 1) +
                                             " (lines must end in LF or CRLF)");
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
  if (Rest.contains('\t'))
    return lineError(FileName, LineNo,
                     "expected 5 tab-separated fields, found " + llvm::Twine(5 + Rest.count('\t')));
  Fields[4] = Rest;
  if (!parseSymversCrc(Fields[0], E.Crc))
    return lineError(FileName, LineNo, "bad CRC '" + printable(Fields[0]) + "'");
  if (Fields[1].empty())
    return lineError(FileName, LineNo, "empty symbol name");
  if (Fields[2].empty())
    return lineError(FileName, LineNo,
                     "empty module name for symbol '" + printable(Fields[1]) + "'");
  if (Fields[3] == ExportSymbolGpl)
    E.GplOnly = true;
  else if (Fields[3] == ExportSymbol)
    E.GplOnly = false;
  else
    return lineError(FileName, LineNo, "unknown export type '" + printable(Fields[3]) + "'");
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
    Line.consume_back("\r"); // CRLF: a file saved on Windows or passed through a mail client
    Export E;
    if (llvm::Error Err = parseLine(FileName, LineNo, Line, E))
      return Err;
    auto [It, Inserted] = FirstLine.try_emplace(E.Name, LineNo);
    if (!Inserted)
      return lineError(FileName, LineNo,
                       "symbol '" + printable(E.Name) + "' is listed twice (first at line " +
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
    OS << llvm::format("0x%08x", E->HasCrc ? E->Crc : 0u) << '\t' << E->Name << '\t' << Exporter
       << '\t' << (E->GplOnly ? ExportSymbolGpl : ExportSymbol) << '\t' << E->Namespace << '\n';
  }
}

} // namespace modver
