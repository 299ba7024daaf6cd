#include "Check/Report.h"

#include "Support/Error.h"
#include "Support/Printable.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

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

int exitCodeFor(llvm::ArrayRef<ModuleVerdict> Verdicts) {
  VerdictCounts C = countVerdicts(Verdicts);
  if (C.Unreadable)
    return ExitError;
  return C.Incompatible || C.Forced ? ExitNegative : ExitOk;
}

// The loader the verdicts were reached with (the same for all of them), when any module was
// read.
static const LoaderModel *appliedLoader(llvm::ArrayRef<ModuleVerdict> Verdicts) {
  for (const ModuleVerdict &V : Verdicts)
    if (V.Result)
      return &V.Result->Loader;
  return nullptr;
}

void printTextReport(llvm::raw_ostream &Out, llvm::raw_ostream &Err,
                     llvm::ArrayRef<ModuleVerdict> Verdicts, const KernelInfo &Kernel,
                     bool Quiet, llvm::StringRef KernelFrom) {
  for (const ModuleVerdict &V : Verdicts) {
    if (!V.Result) {
      Err << "modcheck: error: " << oneLine(V.ReadError) << "\n";
      continue;
    }
    for (const Problem &P : V.Result->Problems)
      if (P.Fatal || !Quiet)
        Out << V.Path << ": " << P.Message << "\n";
  }
  if (Quiet)
    return;
  if (!Kernel.Target)
    Err << oneLine("modcheck: warning: the kernel's ELF target is unknown (" +
                   (KernelFrom.empty() ? std::string() : "not in " + KernelFrom.str() + ": ") +
                   "a Module.symvers does not say it): the modules' machine, class, byte order "
                   "and OS ABI were not checked; give a kernel image or a modversions.o to "
                   "check them")
        << "\n";
  VerdictCounts C = countVerdicts(Verdicts);
  Out << C.total() << (C.total() == 1 ? " module" : " modules") << " checked against "
      << (Kernel.Release.empty() ? std::string("the kernel") : Kernel.Release);
  if (const LoaderModel *L = appliedLoader(Verdicts))
    Out << " (" << L->describe() << " loader rules)";
  Out << ": "
      << C.Compatible << " compatible, " << C.Incompatible << " incompatible, " << C.Forced
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
                            {"problems", std::move(Problems)}};
}

void printJsonReport(llvm::raw_ostream &Out, llvm::ArrayRef<ModuleVerdict> Verdicts,
                     const KernelInfo &Kernel) {
  llvm::json::Array Modules;
  for (const ModuleVerdict &V : Verdicts)
    Modules.push_back(verdictJson(V));
  VerdictCounts C = countVerdicts(Verdicts);
  llvm::json::Object KernelJson{
      {"release", Kernel.Release},
      {"vermagic", Kernel.Vermagic},
      {"target", Kernel.Target ? llvm::json::Value(Kernel.Target->describe())
                               : llvm::json::Value(nullptr)}};
  if (const LoaderModel *L = appliedLoader(Verdicts))
    KernelJson["loader"] = llvm::json::Object{{"generation", L->generationName()},
                                              {"modversions", L->Modversions},
                                              {"evidence", L->Evidence}};
  llvm::json::Object Root{
      {"kernel", std::move(KernelJson)},
      {"summary", llvm::json::Object{{"compatible", int64_t(C.Compatible)},
                                     {"incompatible", int64_t(C.Incompatible)},
                                     {"forced", int64_t(C.Forced)},
                                     {"unreadable", int64_t(C.Unreadable)}}},
      {"modules", std::move(Modules)}};
  Out << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
}

} // namespace modver
