#include "Types/HeaderTypes.h"

#include "Kernel/KernelImage.h"
#include "Support/Error.h"
#include "Support/InputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <cctype>
#include <unistd.h>

namespace modver {

namespace {

bool isIdentStart(char C) { return std::isalpha(static_cast<unsigned char>(C)) || C == '_'; }
bool isIdentChar(char C) { return std::isalnum(static_cast<unsigned char>(C)) || C == '_'; }

// Just enough of C's lexical structure to find "struct|union|enum [attrs] TAG [attrs] {":
// identifiers, and single characters for everything else, with comments and literals gone.
class Lexer {
public:
  explicit Lexer(llvm::StringRef Text) : S(Text) {}

  // The next token; empty at the end. Identifiers are whole, anything else one character.
  llvm::StringRef next() {
    skipSpaceAndComments();
    if (P >= S.size())
      return {};
    size_t Start = P;
    char C = S[P];
    if (isIdentStart(C)) {
      while (P < S.size() && isIdentChar(S[P]))
        ++P;
      return S.slice(Start, P);
    }
    if (C == '"' || C == '\'') {
      skipLiteral(C);
      return S.slice(Start, P);
    }
    ++P;
    return S.slice(Start, P);
  }

  // Skip a parenthesised group whose '(' is the next token (an attribute's arguments).
  void skipParens() {
    int Depth = 0;
    for (llvm::StringRef T = next(); !T.empty(); T = next()) {
      if (T == "(")
        ++Depth;
      else if (T == ")" && --Depth <= 0)
        return;
    }
  }

  llvm::StringRef peek() {
    size_t Saved = P;
    llvm::StringRef T = next();
    P = Saved;
    return T;
  }

private:
  void skipSpaceAndComments() {
    while (P < S.size()) {
      if (std::isspace(static_cast<unsigned char>(S[P])) || S[P] == '\\') {
        ++P;
      } else if (S.substr(P).starts_with("/*")) {
        size_t End = S.find("*/", P + 2);
        P = End == llvm::StringRef::npos ? S.size() : End + 2;
      } else if (S.substr(P).starts_with("//")) {
        size_t End = S.find('\n', P);
        P = End == llvm::StringRef::npos ? S.size() : End;
      } else {
        return;
      }
    }
  }

  void skipLiteral(char Quote) {
    ++P;
    while (P < S.size() && S[P] != Quote && S[P] != '\n')
      P += S[P] == '\\' ? 2 : 1;
    if (P < S.size())
      ++P;
  }

  llvm::StringRef S;
  size_t P = 0;
};

bool isTagKeyword(llvm::StringRef T) { return T == "struct" || T == "union" || T == "enum"; }

} // namespace

void HeaderTypes::scanText(llvm::StringRef Text) {
  Lexer L(Text);
  for (llvm::StringRef T = L.next(); !T.empty(); T = L.next()) {
    if (!isTagKeyword(T))
      continue;
    // Identifiers after the keyword are attribute macros (maybe with arguments), then the
    // tag; a '{' right after them makes this a definition of the last one.
    llvm::StringRef Keyword = T, Tag;
    while (true) {
      llvm::StringRef Next = L.peek();
      if (Next.empty() || !isIdentStart(Next.front()) || isTagKeyword(Next))
        break;
      L.next();
      Tag = Next;
      if (L.peek() == "(") {
        L.skipParens();
        Tag = {}; // an attribute with arguments, not the tag
      }
    }
    if (Tag.empty() || L.peek() != "{")
      continue;
    L.next();
    // The body's identifiers, nested bodies included: member names of anonymous members
    // are the outer type's too. The scan goes on inside the body, as it may define tags.
    std::vector<uint64_t> Idents;
    Lexer Body = L;
    int Depth = 1;
    for (llvm::StringRef B = Body.next(); !B.empty() && Depth > 0; B = Body.next()) {
      if (B == "{")
        ++Depth;
      else if (B == "}")
        --Depth;
      else if (isIdentStart(B.front()))
        Idents.push_back(llvm::xxHash64(B));
    }
    llvm::sort(Idents);
    Idents.erase(std::unique(Idents.begin(), Idents.end()), Idents.end());
    Bodies[(Keyword + " " + Tag).str()].push_back(std::move(Idents));
  }
}

bool HeaderTypes::defines(llvm::StringRef Key, llvm::ArrayRef<llvm::StringRef> Members) const {
  auto It = Bodies.find(Key);
  if (It == Bodies.end())
    return false;
  size_t Named = 0;
  for (llvm::StringRef M : Members)
    Named += !M.empty();
  for (const std::vector<uint64_t> &Idents : It->second) {
    size_t Missing = 0;
    for (llvm::StringRef M : Members)
      Missing += !M.empty() && !std::binary_search(Idents.begin(), Idents.end(), llvm::xxHash64(M));
    // A quarter may be missing: macros rename members (#define rcu_head callback_head).
    if (Missing * 4 <= Named)
      return true;
  }
  return false;
}

llvm::Error HeaderTypes::scanDir(llvm::StringRef Dir) {
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End;
       It != End && !EC; It.increment(EC)) {
    if (!llvm::StringRef(It->path()).ends_with(".h"))
      continue;
    auto Buf = readInputFile(It->path());
    if (!Buf) {
      // A FIFO or a device named *.h is refused like any such input; a dangling link or an
      // unreadable file among thousands is skipped.
      llvm::sys::fs::file_status St;
      if (!llvm::sys::fs::status(It->path(), St) &&
          St.type() != llvm::sys::fs::file_type::regular_file)
        return Buf.takeError();
      llvm::consumeError(Buf.takeError());
      continue;
    }
    scanText((*Buf)->getBuffer());
    ++Files;
  }
  if (EC)
    return fileError(Dir, "cannot read: " + EC.message());
  return llvm::Error::success();
}

llvm::Expected<HeaderTypes> scanKernelHeaders(llvm::ArrayRef<std::string> Dirs,
                                              llvm::StringRef Arch) {
  HeaderTypes Out;
  for (const std::string &Dir : Dirs) {
    if (!llvm::sys::fs::is_directory(Dir))
      return fileError(Dir, "not a directory of kernel headers");
    llvm::SmallString<256> Include(Dir);
    llvm::sys::path::append(Include, "include");
    if (!llvm::sys::fs::is_directory(Include)) {
      if (llvm::Error E = Out.scanDir(Dir))
        return E;
      continue;
    }
    if (llvm::Error E = Out.scanDir(Include))
      return E;
    llvm::SmallString<256> ArchDir(Dir);
    llvm::sys::path::append(ArchDir, "arch");
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(ArchDir, EC), End; It != End && !EC;
         It.increment(EC)) {
      llvm::StringRef Name = llvm::sys::path::filename(It->path());
      if (!Arch.empty() && Name != Arch)
        continue;
      llvm::SmallString<256> ArchInclude(It->path());
      llvm::sys::path::append(ArchInclude, "include");
      if (llvm::sys::fs::is_directory(ArchInclude))
        if (llvm::Error E = Out.scanDir(ArchInclude))
          return E;
    }
  }
  return Out;
}

namespace {

// Path, with a symbolic link resolved inside Root: an unpacked package has links such as
// lib/modules/<release>/source -> /usr/src/linux-headers-<abi>-common, meant from Root.
std::string insideRoot(llvm::StringRef Root, llvm::StringRef Path) {
  char Raw[4096];
  ssize_t N = ::readlink(Path.str().c_str(), Raw, sizeof Raw - 1);
  if (N <= 0)
    return Path.str(); // not a link
  llvm::StringRef To(Raw, size_t(N));
  llvm::SmallString<256> Target;
  if (llvm::sys::path::is_absolute(To))
    Target = Root == "/" ? "" : Root;
  else
    Target = llvm::sys::path::parent_path(Path);
  llvm::sys::path::append(Target, To);
  return std::string(Target);
}

// Debian's per-flavour headers tree includes the common one from its Makefile
// ("include /usr/src/linux-headers-<abi>-common/Makefile"): that tree, inside Root.
std::string includedTree(llvm::StringRef Root, llvm::StringRef Dir) {
  llvm::SmallString<256> Makefile(Dir);
  llvm::sys::path::append(Makefile, "Makefile");
  auto Buf = readInputFile(Makefile);
  if (!Buf) {
    llvm::consumeError(Buf.takeError());
    return {};
  }
  llvm::StringRef Line = (*Buf)->getBuffer().split('\n').first.trim();
  if (!Line.consume_front("include ") || !Line.ends_with("/Makefile"))
    return {};
  llvm::SmallString<256> Tree(Root == "/" ? "" : Root);
  llvm::sys::path::append(Tree, llvm::sys::path::parent_path(Line.trim()));
  return std::string(Tree);
}

} // namespace

std::vector<std::string> headersBeside(llvm::StringRef KernelFile) {
  std::vector<std::string> Out;
  llvm::StringRef Release = releaseInImageName(KernelFile);
  llvm::StringRef BootDir = llvm::sys::path::parent_path(KernelFile);
  if (Release.empty() || llvm::sys::path::filename(BootDir) != "boot")
    return Out;
  llvm::SmallString<256> Root(llvm::sys::path::parent_path(BootDir));
  if (Root.empty())
    Root = "/";
  auto Add = [&](const std::string &Dir) {
    llvm::SmallString<256> Real;
    if (Dir.empty() || llvm::sys::fs::real_path(Dir, Real) || !llvm::sys::fs::is_directory(Real))
      return false;
    for (const std::string &Have : Out)
      if (Have == Real)
        return true;
    Out.push_back(std::string(Real));
    return true;
  };
  llvm::SmallString<256> Modules(Root);
  llvm::sys::path::append(Modules, "lib", "modules", Release);
  for (const char *Link : {"source", "build"}) {
    llvm::SmallString<256> P(Modules);
    llvm::sys::path::append(P, Link);
    Add(insideRoot(Root, P));
  }
  llvm::SmallString<256> Usr(Root);
  llvm::sys::path::append(Usr, "usr", "src", "linux-headers-" + Release);
  if (Add(std::string(Usr)))
    Add(includedTree(Root, Usr));
  return Out;
}

} // namespace modver
