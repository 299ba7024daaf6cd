#include "Explain/ExplainRun.h"

#include "Explain/TypeSource.h"
#include "Support/Batch.h"
#include "Support/Error.h"
#include "Types/HeaderTypes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

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
                         llvm::ArrayRef<std::string> Symbols, llvm::ArrayRef<std::string> Headers) {
  auto K = loadKernelTypes(Path, Headers);
  if (!K)
    return K.takeError();
  const HeaderTypes *H = K->Headers ? &*K->Headers : nullptr;
  if (llvm::Error E = printSymbolClosures(OS, K->Source.graph(), Symbols, H))
    return inFile(Path, std::move(E));
  return llvm::Error::success();
}

void printExplanations(llvm::raw_ostream &OS, const ExplainResults &R) {
  if (R.Explanations.empty())
    return;
  OS << "\nwhy the CRCs differ (type differences between the old and new kernel's BTF):\n";
  if (R.OldHeaders.empty())
    OS << "  (no kernel headers for both kernels: types that source files define, which "
          "genksyms never expands, count too; give --explain-headers OLD NEW)\n";
  else
    OS << "  (types no header defines are left out, as genksyms leaves them; headers: "
       << llvm::join(R.OldHeaders, ", ") << "; " << llvm::join(R.NewHeaders, ", ") << ")\n";
  for (const Explanation &E : R.Explanations) {
    OS << "  " << E.Symbol << ":\n";
    printExplanation(OS, E, "    ");
  }
}

llvm::json::Object explanationsJson(const ExplainResults &R) {
  llvm::json::Array Arr;
  for (const Explanation &E : R.Explanations)
    Arr.push_back(explanationJson(E));
  return llvm::json::Object{
      {"explanations", std::move(Arr)},
      {"explain_headers", llvm::json::Object{{"old", llvm::json::Array(R.OldHeaders)},
                                             {"new", llvm::json::Array(R.NewHeaders)}}}};
}

} // namespace modver
