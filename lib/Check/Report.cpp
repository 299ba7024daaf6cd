#include "Check/Report.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace modver {

VerdictCounts countVerdicts(llvm::ArrayRef<ModuleVerdict> Verdicts) {
  VerdictCounts C;
  for (const ModuleVerdict &V : Verdicts) {
    if (!V.Result)
      ++C.Unreadable;
    else if (V.Result->Result == Verdict::Refused)
      ++C.Incompatible;
    else if (V.Result->Result == Verdict::LoadsForced)
      ++C.Forced;
    else
      ++C.Compatible;
  }
  return C;
}

std::vector<std::string> disagreedSymbols(llvm::ArrayRef<ModuleVerdict> Verdicts) {
  std::vector<std::string> Out;
  for (const ModuleVerdict &V : Verdicts)
    if (V.Result)
      for (const Problem &P : V.Result->Problems)
        if (P.Kind == ProblemKind::DisagreesVersion || P.Kind == ProblemKind::BadModuleLayout)
          Out.push_back(P.Symbol);
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

const LoaderModel *CheckReport::loader() const {
  for (const ModuleVerdict &V : Modules)
    if (V.Result)
      return &V.Result->Loader;
  return nullptr;
}

std::vector<std::string> CheckReport::warnings() const {
  if (Kernel.Target)
    return {};
  return {"the kernel's ELF target is unknown (" +
          (KernelFrom.empty() ? std::string() : "not in " + KernelFrom + ": ") +
          "a Module.symvers does not say it): the modules' machine, class, byte order and OS "
          "ABI were not checked; give a kernel image or a modversions.o to check them"};
}

void printCheckText(llvm::raw_ostream &OS, const CheckReport &R, bool Quiet) {
  for (const ModuleVerdict &V : R.Modules)
    if (V.Result)
      for (const Problem &P : V.Result->Problems)
        if (P.Fatal || !Quiet)
          OS << V.Path << ": " << P.Message << "\n";
  if (Quiet)
    return;
  VerdictCounts C = R.counts();
  OS << C.total() << (C.total() == 1 ? " module" : " modules") << " checked against "
     << (R.Kernel.Release.empty() ? std::string("the kernel") : R.Kernel.Release);
  if (const LoaderModel *L = R.loader())
    OS << " (" << L->describe() << " loader rules)";
  OS << ": " << C.Compatible << " compatible, " << C.Incompatible << " incompatible, " << C.Forced
     << " force-loaded (taint F), " << C.Unreadable << " unreadable\n";
}

static llvm::json::Value crcJson(const std::optional<uint32_t> &Crc) {
  if (!Crc)
    return nullptr;
  std::string S;
  llvm::raw_string_ostream(S) << llvm::format_hex(*Crc, 10);
  return S;
}

llvm::json::Value verdictJson(const ModuleVerdict &V) {
  if (!V.Result)
    return llvm::json::Object{{"path", V.Path}, {"verdict", "unreadable"}, {"error", V.ReadError}};
  llvm::json::Array Problems;
  for (const Problem &P : V.Result->Problems)
    Problems.push_back(llvm::json::Object{
        {"kind", problemKindName(P.Kind)},
        {"fatal", P.Fatal},
        {"symbol", P.Symbol.empty() ? llvm::json::Value(nullptr) : P.Symbol},
        {"module_crc", crcJson(P.ModuleCrc)},
        {"kernel_crc", crcJson(P.KernelCrc)},
        {"exporter", P.Exporter.empty() ? llvm::json::Value(nullptr) : P.Exporter},
        {"message", P.Message}});
  return llvm::json::Object{{"path", V.Path},
                            {"module", V.Result->Module},
                            {"verdict", verdictName(V.Result->Result)},
                            {"signed", V.Result->Signed},
                            {"problems", std::move(Problems)}};
}

llvm::json::Object checkJson(const CheckReport &R) {
  llvm::json::Array Modules;
  for (const ModuleVerdict &V : R.Modules)
    Modules.push_back(verdictJson(V));
  VerdictCounts C = R.counts();
  const KernelInfo &K = R.Kernel;
  llvm::json::Object KernelJson{
      {"release", K.Release},
      {"vermagic", K.Vermagic},
      {"target", K.Target ? llvm::json::Value(K.Target->describe()) : llvm::json::Value(nullptr)},
      {"module_sig_force",
       K.ModuleSigForce ? llvm::json::Value(*K.ModuleSigForce) : llvm::json::Value(nullptr)},
      {"module_sig", K.ModuleSig ? llvm::json::Value(*K.ModuleSig) : llvm::json::Value(nullptr)}};
  if (const LoaderModel *L = R.loader())
    KernelJson["loader"] = llvm::json::Object{{"generation", L->generationName()},
                                              {"modversions", L->Modversions},
                                              {"evidence", L->Evidence}};
  return llvm::json::Object{
      {"kernel", std::move(KernelJson)},
      {"summary", llvm::json::Object{{"compatible", int64_t(C.Compatible)},
                                     {"incompatible", int64_t(C.Incompatible)},
                                     {"forced", int64_t(C.Forced)},
                                     {"unreadable", int64_t(C.Unreadable)}}},
      {"modules", std::move(Modules)}};
}

} // namespace modver
