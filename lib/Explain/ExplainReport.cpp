// Explanations as text lines and JSON, for modcheck.
#include "Explain/Explain.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace modver {

namespace {
constexpr size_t MaxTypesShown = 5;
} // namespace

llvm::StringRef explanationNote(const Explanation &E) {
  switch (E.Result) {
  case Explanation::Explained:
    return "";
  case Explanation::NoDifference:
    return "no difference visible in BTF types; the CRC changed for a reason BTF does not "
           "show (e.g. a declaration genksyms saw differently)";
  case Explanation::NoOldTypes:
    return "no type information for the symbol on the old side";
  case Explanation::NoNewTypes:
    return "no type information for the symbol on the new side";
  }
  return "";
}

void printExplanation(llvm::raw_ostream &OS, const Explanation &E, llvm::StringRef Indent) {
  if (E.Result != Explanation::Explained) {
    OS << Indent << explanationNote(E) << "\n";
    if (!E.OpaqueSuspects.empty()) {
      OS << Indent
         << "differences lie behind types no header defines (if a private header "
            "defines one, genksyms saw them; give a source tree with "
            "--explain-headers):";
      size_t Shown = std::min(E.OpaqueSuspects.size(), MaxTypesShown);
      for (size_t I = 0; I < Shown; ++I)
        OS << (I ? ", " : " ") << E.OpaqueSuspects[I];
      if (Shown < E.OpaqueSuspects.size())
        OS << " and " << E.OpaqueSuspects.size() - Shown << " more";
      OS << "\n";
    }
    return;
  }
  for (const std::string &D : E.Declaration)
    OS << Indent << E.Symbol << ": " << D << "\n";
  // A kernel export's closure often reaches most of the kernel's types, and hundreds of them
  // can differ; the nearest (fewest pointers away) are listed, the rest counted.
  size_t Shown = std::min(E.Types.size(), MaxTypesShown);
  for (size_t I = 0; I < Shown; ++I)
    for (const std::string &W : E.Types[I].What)
      OS << Indent << E.Types[I].Type << ": " << W << "\n";
  if (Shown < E.Types.size())
    OS << Indent << "... and " << E.Types.size() - Shown << " more types that differ, at least "
       << E.Types[Shown].PointerDepth << " pointers away (the JSON report lists all)\n";
}

llvm::json::Value explanationJson(const Explanation &E) {
  static const char *const Status[] = {"explained", "no-difference", "no-old-types",
                                       "no-new-types"};
  llvm::json::Array Types;
  for (const TypeChange &C : E.Types)
    Types.push_back(llvm::json::Object{{"type", C.Type},
                                       {"pointer_depth", int64_t(C.PointerDepth)},
                                       {"additive_only", C.AdditiveOnly},
                                       {"changes", llvm::json::Array(C.What)}});
  llvm::json::Object O{{"symbol", E.Symbol},
                       {"status", Status[E.Result]},
                       {"declaration", llvm::json::Array(E.Declaration)},
                       {"types", std::move(Types)},
                       {"opaque_suspects", llvm::json::Array(E.OpaqueSuspects)}};
  if (E.Result != Explanation::Explained)
    O["note"] = explanationNote(E).str();
  return O;
}

} // namespace modver
