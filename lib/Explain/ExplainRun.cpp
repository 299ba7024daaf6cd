#include "Explain/ExplainRun.h"

#include "Explain/TypeSource.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace modver {

llvm::Expected<std::vector<Explanation>>
explainSymbols(llvm::StringRef OldPath, llvm::StringRef NewPath,
               llvm::ArrayRef<std::string> Symbols) {
  auto Old = readTypeSource(OldPath);
  if (!Old)
    return Old.takeError();
  auto New = readTypeSource(NewPath);
  if (!New)
    return New.takeError();
  Explainer X(Old->graph(), New->graph());
  std::vector<Explanation> Out;
  for (const std::string &S : Symbols)
    Out.push_back(X.explain(S));
  return Out;
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

void printExplanations(llvm::raw_ostream &OS, llvm::ArrayRef<Explanation> Es) {
  if (Es.empty())
    return;
  OS << "\nwhy the CRCs differ (type differences between the old and new kernel's BTF):\n";
  for (const Explanation &E : Es) {
    OS << "  " << E.Symbol << ":\n";
    printExplanation(OS, E, "    ");
  }
}

void printJsonWithExplanations(llvm::raw_ostream &OS,
                               llvm::function_ref<void(llvm::raw_ostream &)> Print,
                               llvm::ArrayRef<Explanation> Es) {
  std::string Doc;
  llvm::raw_string_ostream DocOS(Doc);
  Print(DocOS);
  DocOS.flush();
  llvm::json::Array Arr;
  for (const Explanation &E : Es)
    Arr.push_back(explanationJson(E));
  auto Parsed = llvm::json::parse(Doc);
  if (!Parsed || !Parsed->getAsObject()) {
    // Not an object (cannot happen with modcheck's reports): keep the report unchanged.
    llvm::consumeError(Parsed.takeError());
    OS << Doc;
    return;
  }
  (*Parsed->getAsObject())["explanations"] = std::move(Arr);
  OS << llvm::formatv("{0:2}", *Parsed) << "\n";
}

} // namespace modver
