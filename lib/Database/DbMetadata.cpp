#include "Database/DbMetadata.h"

#include "Support/Error.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace modver {

// Appends to a std::string directly: raw_string_ostream is unbuffered, and this runs for
// every field of tens of thousands of symbols.
static void appendEscaped(std::string &Out, llvm::StringRef S) {
  if (S.find_first_of("\\\t\n") == llvm::StringRef::npos) {
    Out.append(S.data(), S.size());
    return;
  }
  for (char C : S) {
    if (C == '\\')
      Out += "\\\\";
    else if (C == '\t')
      Out += "\\t";
    else if (C == '\n')
      Out += "\\n";
    else
      Out += C;
  }
}

static bool unescape(llvm::StringRef S, std::string &Out) {
  if (!S.contains('\\')) {
    Out.assign(S.data(), S.size());
    return true;
  }
  Out.clear();
  Out.reserve(S.size());
  for (size_t I = 0; I < S.size(); ++I) {
    if (S[I] != '\\') {
      Out += S[I];
      continue;
    }
    if (++I == S.size())
      return false;
    switch (S[I]) {
    case '\\':
      Out += '\\';
      break;
    case 't':
      Out += '\t';
      break;
    case 'n':
      Out += '\n';
      break;
    default:
      return false;
    }
  }
  return true;
}

// A kernel option that may be unknown: "yes", "no" or "unknown".
static const char *triState(std::optional<bool> V) { return !V ? "unknown" : *V ? "yes" : "no"; }

static bool parseTriState(llvm::StringRef Text, std::optional<bool> &V) {
  if (Text == "unknown")
    V.reset();
  else if (Text == "yes" || Text == "no")
    V = Text == "yes";
  else
    return false;
  return true;
}

std::string encodeDbMetadata(const KernelInfo &K, llvm::ArrayRef<const Export *> Sorted) {
  llvm::StringMap<size_t> SourceIndex;
  std::vector<llvm::StringRef> Sources;
  for (const Export *E : Sorted)
    if (SourceIndex.try_emplace(E->Source, Sources.size()).second)
      Sources.push_back(E->Source);

  std::string Out;
  Out.reserve(64 * Sorted.size() + 256);
  Out += DbMagicLine;
  Out += "release\t";
  appendEscaped(Out, K.Release);
  Out += "\nvermagic\t";
  appendEscaped(Out, K.Vermagic);
  Out += "\nforce-load\t";
  Out += triState(K.ForceLoad);
  Out += "\nmissing-ns-imports\t";
  Out += triState(K.AllowMissingNamespaceImports);
  // Optional lines, written only when known, so a database that knows nothing more reads in
  // every modver that reads version 2.
  auto Known = [&](llvm::StringRef Key, std::optional<bool> V) {
    if (!V)
      return;
    Out += '\n';
    Out += Key;
    Out += '\t';
    Out += triState(V);
  };
  Known("modversions", K.Modversions);
  Known("basic-modversions", K.BasicModversions);
  Known("extended-modversions", K.ExtendedModversions);
  Known("module-sig-force", K.ModuleSigForce);
  Known("module-sig", K.ModuleSig);
  if (K.HasKflagstab)
    Out += "\nkflagstab\tyes";
  Out += "\nsources\t" + std::to_string(Sources.size()) + "\n";
  for (llvm::StringRef S : Sources) {
    appendEscaped(Out, S);
    Out += '\n';
  }
  Out += "symbols\t" + std::to_string(Sorted.size()) + "\n";
  for (const Export *E : Sorted) {
    appendEscaped(Out, E->Name);
    Out += '\t';
    if (E->GplOnly)
      Out += 'g';
    if (E->HasCrc)
      Out += 'c';
    if (!E->GplOnly && !E->HasCrc)
      Out += '-';
    Out += '\t';
    appendEscaped(Out, E->Namespace);
    Out += '\t';
    appendEscaped(Out, E->Exporter);
    Out += '\t';
    Out += std::to_string(SourceIndex.lookup(E->Source));
    Out += '\n';
  }
  return Out;
}

namespace {

// Walks the section text line by line, keeping the line number for messages.
class LineReader {
public:
  LineReader(llvm::StringRef FileName, llvm::StringRef Text) : FileName(FileName), Rest(Text) {}

  llvm::Error error(const llvm::Twine &What) const {
    return fileError(FileName, DbSectionName + " line " + llvm::Twine(LineNo) + ": " + What);
  }

  llvm::Expected<llvm::StringRef> next() {
    ++LineNo;
    size_t Nl = Rest.find('\n');
    if (Nl == llvm::StringRef::npos)
      return error(Rest.empty() ? "unexpected end" : "line is not terminated");
    llvm::StringRef Line = Rest.take_front(Nl);
    Rest = Rest.drop_front(Nl + 1);
    return Line;
  }

  // "<Key>\t<value>", value unescaped.
  llvm::Error keyed(llvm::StringRef Key, std::string &Value) {
    auto Line = next();
    if (!Line)
      return Line.takeError();
    if (!Line->consume_front(Key) || !Line->consume_front("\t"))
      return error("expected '" + Key + "'");
    if (!unescape(*Line, Value))
      return error("bad escape in '" + Key + "'");
    return llvm::Error::success();
  }

  llvm::Error count(llvm::StringRef Key, size_t &N) {
    std::string Value;
    if (llvm::Error E = keyed(Key, Value))
      return E;
    if (llvm::StringRef(Value).getAsInteger(10, N))
      return error("bad count '" + Value + "'");
    // Each item takes at least one line, a cheap bound against absurd counts.
    if (N > size_t(Rest.count('\n')))
      return error(Key + " count " + llvm::Twine(N) + " exceeds the section");
    return llvm::Error::success();
  }

  bool atEnd() const { return Rest.empty(); }
  // Whether the next line starts with Prefix (nothing is consumed).
  bool startsWith(llvm::StringRef Prefix) const { return Rest.starts_with(Prefix); }

private:
  llvm::StringRef FileName;
  llvm::StringRef Rest;
  size_t LineNo = 0;
};

} // namespace

static llvm::Error parseSymbol(LineReader &In, llvm::StringRef Line,
                               const std::vector<std::string> &Sources, Export &E) {
  llvm::SmallVector<llvm::StringRef, 5> F;
  Line.split(F, '\t');
  if (F.size() != 5)
    return In.error("expected 5 fields, found " + llvm::Twine(F.size()));
  if (!unescape(F[0], E.Name) || !unescape(F[2], E.Namespace) || !unescape(F[3], E.Exporter))
    return In.error("bad escape");
  if (F[1] == "-" || F[1] == "g" || F[1] == "c" || F[1] == "gc") {
    E.GplOnly = F[1].contains('g');
    E.HasCrc = F[1].contains('c');
  } else {
    return In.error("bad flags '" + F[1] + "' for symbol '" + E.Name + "'");
  }
  size_t Src;
  if (F[4].getAsInteger(10, Src) || Src >= Sources.size())
    return In.error("bad source number '" + F[4] + "' for symbol '" + E.Name + "'");
  E.Source = Sources[Src];
  return llvm::Error::success();
}

// Version 1 had no missing-ns-imports line at first and gained it without a new number; both
// forms exist on disk, so for version 1 the line is optional.
static constexpr llvm::StringLiteral DbMagicLineV1 = "modver-db\t1\n";

llvm::Expected<DbMetadata> decodeDbMetadata(llvm::StringRef FileName, llvm::StringRef Text) {
  bool V1 = Text.starts_with(DbMagicLineV1);
  if (!V1 && !Text.starts_with(DbMagicLine)) {
    if (Text.starts_with("modver-db\t"))
      return fileError(FileName,
                       DbSectionName + " has an unsupported format version '" +
                           Text.drop_front(10).take_until([](char C) { return C == '\n'; }) + "'");
    return fileError(FileName, DbSectionName + " is not modver metadata");
  }
  LineReader In(FileName, Text);
  DbMetadata Out;
  std::string Magic, ForceLoad, MissingNs;
  if (llvm::Error E = In.keyed("modver-db", Magic))
    return E;
  if (llvm::Error E = In.keyed("release", Out.Kernel.Release))
    return E;
  if (llvm::Error E = In.keyed("vermagic", Out.Kernel.Vermagic))
    return E;
  if (llvm::Error E = In.keyed("force-load", ForceLoad))
    return E;
  if (!parseTriState(ForceLoad, Out.Kernel.ForceLoad))
    return In.error("bad force-load '" + ForceLoad + "'");
  if (!V1 || In.startsWith("missing-ns-imports\t")) {
    if (llvm::Error E = In.keyed("missing-ns-imports", MissingNs))
      return E;
    if (!parseTriState(MissingNs, Out.Kernel.AllowMissingNamespaceImports))
      return In.error("bad missing-ns-imports '" + MissingNs + "'");
  }

  // The kernel's configuration and image facts of version 2 files that know them; each line
  // is optional (absent: unknown), in this order.
  const std::pair<llvm::StringRef, std::optional<bool> *> Options[] = {
      {"modversions", &Out.Kernel.Modversions},
      {"basic-modversions", &Out.Kernel.BasicModversions},
      {"extended-modversions", &Out.Kernel.ExtendedModversions},
      {"module-sig-force", &Out.Kernel.ModuleSigForce},
      {"module-sig", &Out.Kernel.ModuleSig}};
  for (auto [Key, Field] : Options) {
    if (V1 || !In.startsWith((Key + "\t").str()))
      continue;
    std::string Value;
    if (llvm::Error E = In.keyed(Key, Value))
      return E;
    if (!parseTriState(Value, *Field))
      return In.error("bad " + Key + " '" + Value + "'");
  }
  if (!V1 && In.startsWith("kflagstab\t")) {
    std::string Value;
    if (llvm::Error E = In.keyed("kflagstab", Value))
      return E;
    if (Value != "yes" && Value != "no")
      return In.error("bad kflagstab '" + Value + "'");
    Out.Kernel.HasKflagstab = Value == "yes";
  }

  size_t NumSources, NumSymbols;
  if (llvm::Error E = In.count("sources", NumSources))
    return E;
  std::vector<std::string> Sources(NumSources);
  for (std::string &S : Sources) {
    auto Line = In.next();
    if (!Line)
      return Line.takeError();
    if (!unescape(*Line, S))
      return In.error("bad escape in source");
  }
  if (llvm::Error E = In.count("symbols", NumSymbols))
    return E;
  Out.Exports.resize(NumSymbols);
  for (size_t I = 0; I < NumSymbols; ++I) {
    auto Line = In.next();
    if (!Line)
      return Line.takeError();
    if (llvm::Error E = parseSymbol(In, *Line, Sources, Out.Exports[I]))
      return E;
    // Sorted and unique, as written: also what makes the join with the records cheap.
    if (I > 0 && Out.Exports[I - 1].Name >= Out.Exports[I].Name)
      return In.error("symbol '" + Out.Exports[I].Name + "' is out of order or repeated");
  }
  if (!In.atEnd())
    return In.error("unexpected text after the last symbol");
  return Out;
}

} // namespace modver
