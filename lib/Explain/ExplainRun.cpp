#include "Explain/ExplainRun.h"

#include "Support/Batch.h"
#include "Explain/TypeSource.h"
#include "Types/HeaderTypes.h"
#include "Support/Error.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>

namespace modver {

ExplainInputs explainInputs(llvm::StringRef OldPath, llvm::StringRef NewPath,
                            llvm::ArrayRef<std::string> Headers) {
  ExplainInputs In;
  In.OldPath = OldPath.str();
  In.NewPath = NewPath.str();
  if (Headers.size() == 2) {
    In.OldHeaders = {Headers[0]};
    In.NewHeaders = {Headers[1]};
  }
  return In;
}

namespace {

// One kernel's types and, when its headers are given or found, what they define.
struct KernelTypes {
  TypeSource Source;
  std::vector<std::string> HeaderDirs;
  std::optional<HeaderTypes> Headers;
};

llvm::Expected<KernelTypes> loadKernelTypes(llvm::StringRef Path,
                                            llvm::ArrayRef<std::string> Headers) {
  auto Source = readTypeSource(Path);
  if (!Source)
    return Source.takeError();
  KernelTypes K{std::move(*Source), Headers.empty() ? headersBeside(Path) : Headers.vec(), {}};
  if (!K.HeaderDirs.empty()) {
    auto H = scanKernelHeaders(K.HeaderDirs, K.Source.Arch);
    if (!H)
      return H.takeError();
    K.Headers = std::move(*H);
  }
  return K;
}

} // namespace

llvm::Expected<ExplainResults> explainSymbols(const ExplainInputs &In,
                                              llvm::ArrayRef<std::string> Symbols) {
  // The two kernels load independently (decompression, BTF, headers): one thread each.
  auto Sides = mapIndices(2, [&](size_t I) {
    return I == 0 ? loadKernelTypes(In.OldPath, In.OldHeaders)
                  : loadKernelTypes(In.NewPath, In.NewHeaders);
  });
  for (auto &Side : Sides)
    if (!Side)
      return Side.takeError();
  KernelTypes &Old = *Sides[0], &New = *Sides[1];
  ExplainResults R;
  bool BothHeaders = Old.Headers && New.Headers;
  if (BothHeaders) {
    R.OldHeaders = Old.HeaderDirs;
    R.NewHeaders = New.HeaderDirs;
  }
  Explainer X(Old.Source.graph(), New.Source.graph(), BothHeaders ? &*Old.Headers : nullptr,
              BothHeaders ? &*New.Headers : nullptr);
  for (const std::string &S : Symbols)
    R.Explanations.push_back(X.explain(S));
  return R;
}

llvm::Error printTypesOf(llvm::raw_ostream &OS, llvm::StringRef Path,
                         llvm::ArrayRef<std::string> Symbols,
                         llvm::ArrayRef<std::string> Headers) {
  auto K = loadKernelTypes(Path, Headers);
  if (!K)
    return K.takeError();
  const HeaderTypes *H = K->Headers ? &*K->Headers : nullptr;
  if (llvm::Error E = printSymbolClosures(OS, K->Source.graph(), Symbols, H))
    return inFile(Path, std::move(E));
  return llvm::Error::success();
}

namespace {
std::vector<std::string> sortedUnique(std::vector<std::string> V) {
  std::sort(V.begin(), V.end());
  V.erase(std::unique(V.begin(), V.end()), V.end());
  return V;
}
} // namespace

std::vector<std::string> changedSymbols(llvm::ArrayRef<ExportChange> Changes) {
  std::vector<std::string> Out;
  for (const ExportChange &C : Changes)
    if (C.What == ExportChange::Changed && C.New)
      Out.push_back(C.New->Name);
  return sortedUnique(std::move(Out));
}

std::vector<std::string> disagreedSymbols(llvm::ArrayRef<ModuleVerdict> Verdicts) {
  std::vector<std::string> Out;
  for (const ModuleVerdict &V : Verdicts)
    if (V.Result)
      for (const Problem &P : V.Result->Problems)
        if (P.Kind == ProblemKind::DisagreesVersion || P.Kind == ProblemKind::BadModuleLayout)
          Out.push_back(P.Symbol);
  return sortedUnique(std::move(Out));
}

namespace {
std::string joined(llvm::ArrayRef<std::string> Dirs) {
  std::string S;
  for (const std::string &D : Dirs)
    S += (S.empty() ? "" : ", ") + D;
  return S;
}
} // namespace

void printExplanations(llvm::raw_ostream &OS, const ExplainResults &R) {
  if (R.Explanations.empty())
    return;
  OS << "\nwhy the CRCs differ (type differences between the old and new kernel's BTF):\n";
  if (R.OldHeaders.empty())
    OS << "  (no kernel headers for both kernels: types that source files define, which "
          "genksyms never expands, count too; give --explain-headers OLD NEW)\n";
  else
    OS << "  (types no header defines are left out, as genksyms leaves them; headers: "
       << joined(R.OldHeaders) << "; " << joined(R.NewHeaders) << ")\n";
  for (const Explanation &E : R.Explanations) {
    OS << "  " << E.Symbol << ":\n";
    printExplanation(OS, E, "    ");
  }
}

void printJsonWithExplanations(llvm::raw_ostream &OS,
                               llvm::function_ref<void(llvm::raw_ostream &)> Print,
                               const ExplainResults &R) {
  std::string Doc;
  llvm::raw_string_ostream DocOS(Doc);
  Print(DocOS);
  DocOS.flush();
  llvm::json::Array Arr;
  for (const Explanation &E : R.Explanations)
    Arr.push_back(explanationJson(E));
  auto Dirs = [](llvm::ArrayRef<std::string> V) {
    llvm::json::Array A;
    for (const std::string &D : V)
      A.push_back(D);
    return A;
  };
  auto Parsed = llvm::json::parse(Doc);
  if (!Parsed || !Parsed->getAsObject()) {
    // Not an object (cannot happen with modcheck's reports): keep the report unchanged.
    llvm::consumeError(Parsed.takeError());
    OS << Doc;
    return;
  }
  (*Parsed->getAsObject())["explanations"] = std::move(Arr);
  (*Parsed->getAsObject())["explain_headers"] =
      llvm::json::Object{{"old", Dirs(R.OldHeaders)}, {"new", Dirs(R.NewHeaders)}};
  OS << llvm::formatv("{0:2}", *Parsed) << "\n";
}

} // namespace modver
