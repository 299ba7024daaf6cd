#include "Support/Error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

// Messages are one line: names taken from the input (a symbol in .modver.db, a section name)
// may hold newlines or other control characters, which are escaped here.
static std::string oneLine(std::string Msg) {
  if (llvm::none_of(Msg, [](char C) { return (unsigned char)C < 0x20 && C != '\t'; }) &&
      !llvm::is_contained(Msg, '\x7f'))
    return Msg;
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  for (char C : Msg) {
    if (C == '\n')
      OS << "\\n";
    else if (C == '\r')
      OS << "\\r";
    else if (((unsigned char)C < 0x20 && C != '\t') || C == '\x7f')
      OS << "\\x" << llvm::format_hex_no_prefix((unsigned char)C, 2);
    else
      OS << C;
  }
  return OS.str();
}

llvm::Error fileError(const llvm::Twine &File, const llvm::Twine &What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 oneLine((File + ": " + What).str()));
}

llvm::Error fileErrorAt(const llvm::Twine &File, uint64_t Offset, const llvm::Twine &What) {
  std::string Where;
  llvm::raw_string_ostream(Where) << " at offset " << llvm::format_hex(Offset, 1);
  return fileError(File, What + Where);
}

llvm::Error inFile(const llvm::Twine &File, llvm::Error E) {
  std::string Name = File.str();
  std::string Msg = llvm::toString(std::move(E));
  if (llvm::StringRef(Msg).starts_with(Name + ":"))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), oneLine(std::move(Msg)));
  return fileError(Name, Msg);
}

} // namespace modver
