#include "Support/Error.h"

#include "Support/Printable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

// Messages are one line: names taken from the input (a symbol in .modver.db, a section name)
// may hold newlines or other control characters, which oneLine escapes.

llvm::Error fileError(const llvm::Twine &File, const llvm::Twine &What) {
  // An empty argument ("mkmod ''") would read as a message with no file at all.
  std::string Name = File.str();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 oneLine(((Name.empty() ? "''" : Name) + ": " + What).str()));
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
    return llvm::createStringError(llvm::inconvertibleErrorCode(), oneLine(Msg));
  return fileError(Name, Msg);
}

} // namespace modver
