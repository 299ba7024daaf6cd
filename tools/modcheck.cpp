// modcheck: the kernel loader's verdict on modules, offline. A thin driver over lib/.
#include "Check/CheckRun.h"
#include "Check/KernelDiff.h"
#include "Check/Report.h"
#include "Explain/ExplainRun.h"
#include "Kernel/KernelDb.h"
#include "ToolMain/KernelOptions.h"
#include "ToolMain/ToolMain.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <mutex>

using namespace modver;

// A progress line on a terminal, nothing when stderr is a file or a pipe.
static BatchOptions batchOptions(unsigned Jobs, bool Quiet) {
  BatchOptions B;
  B.Threads = Jobs;
  if (!Quiet && llvm::sys::Process::StandardErrIsDisplayed())
    B.Progress = [](size_t Done, size_t Total) {
      if (Done % 64 == 0 || Done == Total)
        llvm::errs() << "\rmodcheck: " << Done << "/" << Total << " modules"
                     << (Done == Total ? "\n" : "");
    };
  return B;
}

// What the command line asks of the output.
struct OutputOptions {
  bool Json = false, Quiet = false, Explain = false;
};

// Read errors and warnings beside a check's text report; a diff lists its unreadable modules
// in the report itself, and JSON carries both.
static void printDiagnostics(ToolErrors &Errs, const CheckReport &R, bool Quiet) {
  for (const ModuleVerdict &V : R.Modules)
    if (!V.Result)
      Errs.error(llvm::createStringError(llvm::inconvertibleErrorCode(), V.ReadError));
  if (!Quiet)
    for (const std::string &W : R.warnings())
      Errs.warn(W);
}
static void printDiagnostics(ToolErrors &, const DiffReport &, bool) {}

static void printText(llvm::raw_ostream &OS, const CheckReport &R, bool Quiet) {
  printCheckText(OS, R, Quiet);
}
static void printText(llvm::raw_ostream &OS, const DiffReport &R, bool) { printDiffText(OS, R); }

static llvm::json::Object toJson(const CheckReport &R) { return checkJson(R); }
static llvm::json::Object toJson(const DiffReport &R) { return diffJson(R); }

// ExitOk when every module would load cleanly; ExitNegative when any would be refused or would
// load only by force (taint F: "loads" means loads without F); ExitError when any could not
// be read.
static int exitCodeFor(const VerdictCounts &C) {
  if (C.Unreadable)
    return ExitError;
  return C.Incompatible || C.Forced ? ExitNegative : ExitOk;
}

// The one output path: the report printed once, as one JSON document with the explanations
// embedded, or as text with the explanations after it.
template <typename ReportT>
static int printReport(ToolErrors &Errs, const ReportT &R, const ExplainResults &Why,
                       const OutputOptions &Out) {
  if (Out.Json) {
    llvm::json::Object Doc = toJson(R);
    if (Out.Explain)
      for (auto &Member : explanationsJson(Why))
        Doc[Member.first] = std::move(Member.second);
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(Doc))) << "\n";
  } else {
    printDiagnostics(Errs, R, Out.Quiet);
    printText(llvm::outs(), R, Out.Quiet);
    printExplanations(llvm::outs(), Why);
  }
  return exitCodeFor(R.counts());
}

// The explanations of Symbols between the kernels OldPath and NewPath, when asked for.
static llvm::Expected<ExplainResults> explainIfAsked(bool Explain, llvm::StringRef OldPath,
                                                     llvm::StringRef NewPath,
                                                     llvm::ArrayRef<std::string> Headers,
                                                     llvm::ArrayRef<std::string> Symbols) {
  if (!Explain)
    return ExplainResults();
  return explainSymbols(explainInputs(OldPath, NewPath, Headers), Symbols);
}

static int run(int Argc, char **Argv) {
  CLI::App App{"Tell whether modules would load into a kernel, by the kernel loader's own "
               "rules (module_layout, symbol CRCs, vermagic, GPL-only exports, namespaces).",
               "modcheck"};
  std::vector<std::string> Modules;
  KernelSources Sources;
  std::vector<std::string> Diff;
  OutputOptions Out;
  bool AllowMissingNs = false, KeepGoing = false, SigEnforce = false;
  std::string ForceLoad, ExplainFrom;
  std::vector<std::string> ExplainHeaders;
  unsigned Jobs = 0;
  App.add_option("module", Modules, "modules (.ko, .ko.xz, .ko.zst, .ko.gz) or folders of them");
  addKernelSourceOptions(App, Sources);
  App.add_option("--diff", Diff,
                 "compare two kernels (each a vmlinux, vmlinuz, modversions.o or symvers); "
                 "modules given are checked against the second")
      ->expected(2)
      ->allow_extra_args(false); // then modules may follow: --diff OLD NEW mod.ko
  App.add_flag("--json", Out.Json, "print one JSON document");
  App.add_flag("-q,--quiet", Out.Quiet, "print only what makes a module fail, no summary");
  App.add_option("--force-load", ForceLoad,
                 "whether the kernel force-loads modules without versions "
                 "(CONFIG_MODULE_FORCE_LOAD); default: the kernel's config if known, else yes")
      ->check(CLI::IsMember({"yes", "no"}));
  App.add_flag("--allow-missing-namespace-imports", AllowMissingNs,
               "the kernel has CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS");
  App.add_flag("--sig-enforce", SigEnforce,
               "the kernel refuses unsigned modules (Secure Boot lockdown, module.sig_enforce=1; "
               "CONFIG_MODULE_SIG_FORCE is read from the kernel's config)");
  App.add_flag("--keep-going", KeepGoing,
               "report every problem: go on after a bad module_layout or vermagic, where the "
               "kernel stops (the verdict is the same)");
  App.add_option("-j,--jobs", Jobs, "threads (default: one per core)");
  App.add_flag("--explain", Out.Explain,
               "say why CRCs differ: the type differences in the kernels' BTF behind each "
               "CRC mismatch (with --diff: behind each changed CRC)");
  App.add_option("--explain-from", ExplainFrom,
                 "with --explain: the kernel image the modules were built against, whose BTF "
                 "gives the old types (the new ones come from --kernel)");
  App.add_option("--explain-headers", ExplainHeaders,
                 "with --explain: the old and the new kernel's headers trees (default: found "
                 "beside each image, as lib/modules/<release>/source and build); types no "
                 "header defines are left out, as genksyms leaves them")
      ->expected(2)
      ->allow_extra_args(false); // then modules may follow
  addVersionFlag(App);
  CLI11_PARSE_TOOL(App, Argc, Argv);

  ToolErrors Report("modcheck");
  CheckOptions Options;
  if (!ForceLoad.empty())
    Options.ForceLoad = ForceLoad == "yes";
  if (AllowMissingNs)
    Options.AllowMissingNamespaceImports = true;
  Options.KeepGoing = KeepGoing;
  if (SigEnforce)
    Options.SigEnforce = true;

  BatchOptions Batch = batchOptions(Jobs, Out.Quiet || Out.Json);
  auto Paths = collectModulePaths(Modules);
  if (!Paths)
    return Report.fail(Paths.takeError());

  if (!Diff.empty()) {
    if (!Sources.empty())
      return Report.usage("--diff takes the two kernels itself; drop --kernel/--symvers/--modules");
    auto Old = readKernelFile(Diff[0]);
    if (!Old)
      return Report.fail(Old.takeError());
    // The modules are judged by the NEW kernel's loader options, found as --kernel finds them.
    auto New = loadKernelFile(Diff[1], Sources.Config);
    if (!New)
      return Report.fail(New.takeError());
    DiffReport R = makeDiffReport(*Old, *New, {});
    auto Why = explainIfAsked(Out.Explain, Diff[0], Diff[1], ExplainHeaders, R.changedSymbols());
    if (!Why)
      return Report.fail(Why.takeError());
    R.Modules = checkModuleFiles(*Paths, *New, Options, Batch);
    return printReport(Report, R, *Why, Out);
  }

  if (Paths->empty())
    return Report.usage("no modules given");
  if (Out.Explain && (ExplainFrom.empty() || Sources.Kernels.empty()))
    return Report.usage("--explain compares two kernels' types: give --explain-from OLD (the "
                        "kernel the modules were built against) and --kernel NEW (an image)");
  // A module both checked and read for the database (TREE --modules TREE) is read once.
  KeptImports Kept(*Paths);
  auto Db = loadKernelDbOrRunning(Sources, &Kept);
  if (!Db)
    return Report.fail(Db.takeError());
  CheckReport R{Db->kernel(), checkModuleFiles(*Paths, *Db, Options, Batch, &Kept),
                llvm::join(kernelSourceFiles(Sources), ", ")};
  // --explain has made sure of a --kernel image (the new types) above.
  llvm::StringRef NewImage = Out.Explain ? llvm::StringRef(Sources.Kernels.front()) : "";
  auto Why = explainIfAsked(Out.Explain, ExplainFrom, NewImage, ExplainHeaders,
                            disagreedSymbols(R.Modules));
  if (!Why)
    return Report.fail(Why.takeError());
  return printReport(Report, R, *Why, Out);
}

int main(int Argc, char **Argv) { return finishStdout("modcheck", run(Argc, Argv)); }
