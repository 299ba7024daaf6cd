#include "Support/Printable.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace modver {

static bool isControl(unsigned char C) { return (C < 0x20 && C != '\t') || C == 0x7f; }

static void escapeByte(llvm::raw_ostream &OS, unsigned char C) {
  switch (C) {
  case '\n':
    OS << "\\n";
    return;
  case '\r':
    OS << "\\r";
    return;
  case '\t':
    OS << "\\t";
    return;
  case '\\':
    OS << "\\\\";
    return;
  default:
    OS << "\\x" << llvm::format_hex_no_prefix(C, 2);
  }
}

std::string printable(llvm::StringRef Value, size_t Max) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::StringRef Shown = Value.take_front(Max);
  for (unsigned char C : Shown) {
    if (C >= 0x20 && C < 0x7f && C != '\\')
      OS << char(C);
    else
      escapeByte(OS, C);
  }
  if (Shown.size() < Value.size())
    OS << "... (" << Value.size() << " bytes)";
  return Out;
}

std::string oneLine(llvm::StringRef Message) {
  std::string Out;
  Out.reserve(Message.size());
  llvm::raw_string_ostream OS(Out);
  for (unsigned char C : Message) {
    if (isControl(C))
      escapeByte(OS, C);
    else
      OS << char(C);
  }
  return Out;
}

} // namespace modver
