#include "LdPlugin/LtoInput.h"

#include "Elf/ElfFile.h"

#include "llvm/BinaryFormat/Magic.h"

namespace modver {

std::optional<std::string> ltoInputKind(llvm::StringRef Bytes) {
  llvm::file_magic Magic = llvm::identify_magic(Bytes);
  if (Magic == llvm::file_magic::bitcode)
    return std::string("LLVM bitcode (clang -flto)");
  if (Magic != llvm::file_magic::elf_relocatable)
    return std::nullopt;

  // GCC writes its IR into .gnu.lto_* sections (slim objects carry nothing else); GCC 12+
  // also marks slim objects with __gnu_lto_slim, but the sections are the common ground.
  std::optional<std::string> Kind;
  llvm::Error E = withElfFile("", Bytes, [&](const auto &Elf) -> llvm::Error {
    return forEachNamedSection(Elf, [&](const auto &, llvm::StringRef Name) {
      if (Name.starts_with(".gnu.lto_"))
        Kind = "GCC LTO sections (" + Name.str() + ", gcc -flto)";
      return !Kind;
    });
  });
  // A malformed object is reported by the reader that needs its symbols, with more context.
  llvm::consumeError(std::move(E));
  return Kind;
}

std::vector<std::string> gccLtoClaimedFiles(llvm::StringRef Text) {
  // "<files>\n", then per file "<name> <symbols>\n" and one line per symbol
  // (lto-plugin.c, write_resolution). Anything malformed ends the list: the caller only needs
  // to know that something was claimed and wants names for its message.
  std::vector<std::string> Files;
  auto [CountLine, Rest] = Text.split('\n');
  unsigned Count = 0;
  if (CountLine.trim().getAsInteger(10, Count))
    return Files;
  for (unsigned I = 0; I < Count && !Rest.empty(); ++I) {
    auto [FileLine, After] = Rest.split('\n');
    size_t Space = FileLine.rfind(' ');
    unsigned Symbols = 0;
    if (Space == llvm::StringRef::npos ||
        FileLine.substr(Space + 1).trim().getAsInteger(10, Symbols))
      break;
    Files.push_back(FileLine.substr(0, Space).str());
    Rest = After;
    for (unsigned S = 0; S < Symbols && !Rest.empty(); ++S)
      Rest = Rest.split('\n').second;
  }
  return Files;
}

std::optional<std::string> gccLtoResolutionFile(const std::vector<std::string> &Args) {
  // collect2 writes "-plugin-opt=-fresolution=F"; ld also accepts the option's value as the
  // next argument and a double dash.
  constexpr llvm::StringLiteral Option = "-fresolution=";
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef A = Args[I];
    if (A.starts_with("--"))
      A = A.drop_front();
    if (A.consume_front("-plugin-opt=") && A.consume_front(Option))
      return A.str();
    if (A == "-plugin-opt" && I + 1 < Args.size() &&
        llvm::StringRef(Args[I + 1]).starts_with(Option))
      return Args[I + 1].substr(Option.size());
  }
  return std::nullopt;
}

} // namespace modver
