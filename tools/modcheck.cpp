// modcheck: the kernel loader's verdict on modules, offline. A thin driver over lib/.
#include "Check/CheckRun.h"
#include "Explain/ExplainRun.h"
#include "Kernel/KernelDb.h"
#include "Check/KernelDiff.h"
#include "Check/Report.h"
#include "ToolMain/KernelOptions.h"
#include "ToolMain/ToolMain.h"

#include "llvm/ADT/StringExtras.h"
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

static int run(int Argc, char **Argv) {
  CLI::App App{"Tell whether modules would load into a kernel, by the kernel loader's own "
               "rules (module_layout, symbol CRCs, vermagic, GPL-only exports, namespaces).",
               "modcheck"};
  std::vector<std::string> Modules;
  KernelSources Sources;
  std::vector<std::string> Diff;
  bool Json = false, Quiet = false, AllowMissingNs = false, KeepGoing = false;
  std::string ForceLoad, ExplainFrom;
  std::vector<std::string> ExplainHeaders;
  bool Explain = false;
  unsigned Jobs = 0;
  App.add_option("module", Modules, "modules (.ko, .ko.xz, .ko.zst, .ko.gz) or folders of them");
  addKernelSourceOptions(App, Sources);
  App.add_option("--diff", Diff,
                 "compare two kernels (each a vmlinux, vmlinuz, modversions.o or symvers); "
                 "modules given are checked against the second")
      ->expected(2)
      ->allow_extra_args(false); // then modules may follow: --diff OLD NEW mod.ko
  App.add_flag("--json", Json, "print one JSON document");
  App.add_flag("-q,--quiet", Quiet, "print only what makes a module fail, no summary");
  App.add_option("--force-load", ForceLoad,
                 "whether the kernel force-loads modules without versions "
                 "(CONFIG_MODULE_FORCE_LOAD); default: the kernel's config if known, else yes")
      ->check(CLI::IsMember({"yes", "no"}));
  App.add_flag("--allow-missing-namespace-imports", AllowMissingNs,
               "the kernel has CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS");
  App.add_flag("--keep-going", KeepGoing,
               "report every problem: go on after a bad module_layout or vermagic, where the "
               "kernel stops (the verdict is the same)");
  App.add_option("-j,--jobs", Jobs, "threads (default: one per core)");
  App.add_flag("--explain", Explain,
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
    std::vector<ExportChange> Changes = diffExports(*Old, *New);
    ExplainResults Why;
    if (Explain) {
      auto Es = explainSymbols(explainInputs(Diff[0], Diff[1], ExplainHeaders),
                               changedSymbols(Changes));
      if (!Es)
        return Report.fail(Es.takeError());
      Why = std::move(*Es);
    }
    std::vector<ModuleVerdict> Verdicts =
        checkModuleFiles(*Paths, *New, Options, batchOptions(Jobs, Quiet || Json));
    if (Json && Explain)
      printJsonWithExplanations(
          llvm::outs(),
          [&](llvm::raw_ostream &OS) { printDiffJson(OS, Changes, Verdicts, *Old, *New); }, Why);
    else if (Json)
      printDiffJson(llvm::outs(), Changes, Verdicts, *Old, *New);
    else
      printDiffText(llvm::outs(), Changes, Verdicts);
    if (!Json)
      printExplanations(llvm::outs(), Why);
    return exitCodeFor(Verdicts);
  }

  if (Paths->empty())
    return Report.usage("no modules given");
  if (Explain && (ExplainFrom.empty() || Sources.Kernels.empty()))
    return Report.usage("--explain compares two kernels' types: give --explain-from OLD (the "
                        "kernel the modules were built against) and --kernel NEW (an image)");
  // A module both checked and read for the database (TREE --modules TREE) is read once.
  KeptImports Kept(*Paths);
  auto Db = loadKernelDbOrRunning(Sources, &Kept);
  if (!Db)
    return Report.fail(Db.takeError());
  std::vector<ModuleVerdict> Verdicts =
      checkModuleFiles(*Paths, *Db, Options, batchOptions(Jobs, Quiet || Json), &Kept);
  ExplainResults Why;
  if (Explain) {
    auto Es = explainSymbols(explainInputs(ExplainFrom, Sources.Kernels.front(), ExplainHeaders),
                             disagreedSymbols(Verdicts));
    if (!Es)
      return Report.fail(Es.takeError());
    Why = std::move(*Es);
  }
  if (Json && Explain)
    printJsonWithExplanations(
        llvm::outs(),
        [&](llvm::raw_ostream &OS) { printJsonReport(OS, Verdicts, Db->kernel()); }, Why);
  else if (Json)
    printJsonReport(llvm::outs(), Verdicts, Db->kernel());
  else
    printTextReport(llvm::outs(), llvm::errs(), Verdicts, Db->kernel(), Quiet,
                    llvm::join(kernelSourceFiles(Sources), ", "));
  if (!Json)
    printExplanations(llvm::outs(), Why);
  return exitCodeFor(Verdicts);
}

int main(int Argc, char **Argv) { return finishStdout("modcheck", run(Argc, Argv)); }
