#include "Check/KernelDiff.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace modver {

std::vector<ExportChange> diffExports(const SymbolDb &Old, const SymbolDb &New) {
  std::vector<ExportChange> Out;
  for (const Export *O : Old.sorted()) {
    const Export *N = New.find(O->Name);
    if (!N) {
      Out.push_back({ExportChange::Removed, O, nullptr});
      continue;
    }
    if (!O->sameVersion(*N))
      Out.push_back({ExportChange::Changed, O, N});
    if (O->GplOnly != N->GplOnly)
      Out.push_back({ExportChange::GplChanged, O, N});
    if (O->Namespace != N->Namespace)
      Out.push_back({ExportChange::NamespaceChanged, O, N});
  }
  for (const Export *N : New.sorted())
    if (!Old.find(N->Name))
      Out.push_back({ExportChange::Added, nullptr, N});
  std::stable_sort(Out.begin(), Out.end(), [](const ExportChange &A, const ExportChange &B) {
    const std::string &NA = A.Old ? A.Old->Name : A.New->Name;
    const std::string &NB = B.Old ? B.Old->Name : B.New->Name;
    return NA < NB;
  });
  return Out;
}

static llvm::StringRef kindName(ExportChange::Kind K) {
  switch (K) {
  case ExportChange::Changed:
    return "changed";
  case ExportChange::Added:
    return "added";
  case ExportChange::Removed:
    return "removed";
  case ExportChange::GplChanged:
    return "gpl-changed";
  case ExportChange::NamespaceChanged:
    return "namespace-changed";
  }
  return "?";
}

static std::string crcText(const Export *E) {
  if (!E)
    return "-";
  if (!E->HasCrc)
    return "none";
  std::string S;
  llvm::raw_string_ostream(S) << llvm::format_hex(E->Crc, 10);
  return S;
}

static std::string detail(const ExportChange &C) {
  switch (C.What) {
  case ExportChange::GplChanged:
    return C.New->GplOnly ? "EXPORT_SYMBOL -> EXPORT_SYMBOL_GPL"
                          : "EXPORT_SYMBOL_GPL -> EXPORT_SYMBOL";
  case ExportChange::NamespaceChanged:
    return "'" + C.Old->Namespace + "' -> '" + C.New->Namespace + "'";
  default:
    return crcText(C.Old) + " -> " + crcText(C.New);
  }
}

DiffReport makeDiffReport(const SymbolDb &Old, const SymbolDb &New,
                          std::vector<ModuleVerdict> Modules) {
  return {Old.kernel().Release, New.kernel().Release, diffExports(Old, New), std::move(Modules)};
}

std::vector<std::string> DiffReport::changedSymbols() const {
  std::vector<std::string> Out;
  for (const ExportChange &C : Changes)
    if (C.What == ExportChange::Changed && C.New)
      Out.push_back(C.New->Name);
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

void printDiffText(llvm::raw_ostream &OS, const DiffReport &R) {
  size_t Count[5] = {};
  for (const ExportChange &C : R.Changes) {
    const Export *E = C.New ? C.New : C.Old;
    OS << kindName(C.What) << "\t" << E->Name << "\t" << detail(C) << "\t" << E->Exporter << "\n";
    ++Count[C.What];
  }
  OS << "exports: " << Count[ExportChange::Changed] << " changed, " << Count[ExportChange::Added]
     << " added, " << Count[ExportChange::Removed] << " removed, "
     << Count[ExportChange::GplChanged] << " changed GPL-ness, "
     << Count[ExportChange::NamespaceChanged] << " changed namespace\n";
  if (R.Modules.empty())
    return;
  for (const ModuleVerdict &V : R.Modules) {
    if (!V.Result) {
      OS << V.Path << ": unreadable: " << V.ReadError << "\n";
      continue;
    }
    if (V.Result->Result != Verdict::Refused)
      continue;
    OS << V.Path << ": breaks:";
    for (const Problem &P : V.Result->Problems)
      if (P.Fatal)
        OS << " " << (P.Symbol.empty() ? problemKindName(P.Kind).str() : P.Symbol);
    OS << "\n";
  }
  // A module that loads only by force taints the kernel and makes the exit code 1: it is not
  // one that still loads.
  VerdictCounts C = R.counts();
  OS << "modules: " << C.total() << " checked against the new kernel, " << C.Incompatible
     << " break, " << C.Compatible << " still load, " << C.Forced
     << " load only by force (taint F), " << C.Unreadable << " unreadable\n";
}

llvm::json::Object diffJson(const DiffReport &R) {
  llvm::json::Array Exports;
  for (const ExportChange &C : R.Changes) {
    const Export *E = C.New ? C.New : C.Old;
    llvm::json::Object Row{{"change", kindName(C.What)},
                           {"symbol", E->Name},
                           {"old_crc", crcText(C.Old)},
                           {"new_crc", crcText(C.New)},
                           {"exporter", E->Exporter}};
    // A CRC does not show these changes (a CRC change is a row of its own): give the field.
    if (C.What == ExportChange::GplChanged) {
      Row["old_gpl_only"] = C.Old->GplOnly;
      Row["new_gpl_only"] = C.New->GplOnly;
    } else if (C.What == ExportChange::NamespaceChanged) {
      Row["old_namespace"] = C.Old->Namespace;
      Row["new_namespace"] = C.New->Namespace;
    }
    Exports.push_back(std::move(Row));
  }
  llvm::json::Array Mods;
  for (const ModuleVerdict &V : R.Modules)
    Mods.push_back(verdictJson(V));
  return llvm::json::Object{{"old", R.OldRelease},
                            {"new", R.NewRelease},
                            {"exports", std::move(Exports)},
                            {"modules", std::move(Mods)}};
}

} // namespace modver
