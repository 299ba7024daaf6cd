// mkmod: relink a module with exactly the version records it needs. A thin driver over lib/.
#include "Relink/MkMod.h"
#include "Kernel/KernelDb.h"
#include "Relink/MkModBatch.h"
#include "Relink/Relink.h"
#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/Printable.h"
#include "ToolMain/KernelOptions.h"
#include "ToolMain/ToolMain.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

using namespace modver;

// ExitError if anything failed, else ExitNegative if the guard refused anything, else ExitOk.
static int exitCodeFor(const MkModSummary &S) {
  if (S.Failed)
    return ExitError;
  return S.Refused ? ExitNegative : ExitOk;
}

static int run(int Argc, char **Argv) {
  CLI::App App{"Give a module the symbol version records of the kernel it was compiled "
               "against, by relinking it (ld -r) with a versions object: no compiler, no "
               "kernel tree.",
               "mkmod"};
  std::vector<std::string> Inputs;
  KernelSources Sources;
  std::string Output, OutDir, LinkerPath;
  MkModOptions Options;
  bool InPlace = false, Quiet = false;
  unsigned Jobs = 0;
  App.add_option("input", Inputs, "relocatable objects or .ko files (.ko.xz/.zst/.gz too)")
      ->required();
  App.add_option("-o,--output", Output, "the module to write (all inputs linked into it)");
  App.add_option("-O,--output-dir", OutDir,
                 "write each input as its own module into this folder (folders are walked)");
  addKernelSourceOptions(App, Sources);
  App.add_option("--modversions", Sources.Kernels, "a modversions.o written by modversions")
      ->allow_extra_args(false);
  App.add_flag("--extended", Options.Records.ForceExtended,
               "write every record to the extended tables too (__version_ext_*), whatever "
               "the kernel's configuration asks for");
  App.add_flag("--all", Options.Records.All,
               "link the whole table, not only the records the module needs");
  App.add_flag("--allow-unresolved", Options.Records.AllowUnresolved,
               "leave symbols the kernel does not export without a record");
  App.add_flag("--force", Options.Force,
               "relink even when the object was compiled against another kernel (unsafe)");
  App.add_flag("--in-place", InPlace, "rewrite each input in place");
  App.add_option("--linker", LinkerPath,
                 "run this linker (ld, ld.lld, a path) instead of the built-in LLD");
  App.add_flag("-q,--quiet", Quiet, "no progress line and no summary");
  App.add_option("-j,--jobs", Jobs, "threads that prepare modules (default: one per core)");
  addVersionFlag(App);
  CLI11_PARSE_TOOL(App, Argc, Argv);

  ToolErrors Report("mkmod");
  if (int(!Output.empty()) + int(!OutDir.empty()) + int(InPlace) != 1)
    return Report.usage("give exactly one of -o FILE, -O DIR or --in-place");
  Options.InPlace = InPlace;
  // A module is linked into a file: standard output cannot take it, and a file named "-"
  // is never what was meant.
  if (Output == "-")
    return Report.usage("-o -: mkmod writes modules to files, not to standard output");
  // As binutils do: the folder an output goes to must exist (with -O, the folder itself; the
  // subfolders mirroring an input tree are made below it).
  llvm::StringRef OutFolder =
      !OutDir.empty() ? llvm::StringRef(OutDir) : llvm::sys::path::parent_path(Output);
  if (!OutFolder.empty() && !llvm::sys::fs::is_directory(OutFolder))
    return Report.fail(fileError(OutFolder, llvm::sys::fs::exists(OutFolder)
                                                ? "is not a folder"
                                                : "No such file or directory (output folders "
                                                  "are not created)"));

  std::vector<MkModItem> Items;
  if (!Output.empty()) {
    Items.push_back({Inputs, Output});
  } else if (InPlace) {
    for (const std::string &In : Inputs)
      Items.push_back({{In}, In});
  } else {
    auto Found = itemsForOutputDir(Inputs, OutDir);
    if (!Found)
      return Report.fail(Found.takeError());
    Items = std::move(*Found);
  }

  for (const MkModItem &Item : Items)
    if (llvm::Error E = checkOutputIsNotAnInput(Item.Output, kernelSourceFiles(Sources)))
      return Report.fail(std::move(E));

  auto Db = loadKernelDbOrRunning(Sources);
  if (!Db)
    return Report.fail(Db.takeError());
  if (llvm::Error E = requireModversions(*Db)) {
    llvm::errs() << "mkmod: " << llvm::toString(std::move(E)) << "\n";
    return ExitNegative;
  }

  auto Script = findLinkerScript("modver.lds", Argv[0]);
  if (!Script)
    return Report.fail(Script.takeError());
  auto L = LinkerPath.empty() ? Linker::inProcess() : Linker::external(LinkerPath);
  if (!L)
    return Report.fail(L.takeError());

  BatchOptions Batch;
  Batch.Threads = Jobs;
  if (!Quiet && Items.size() > 1 && llvm::sys::Process::StandardErrIsDisplayed())
    Batch.Progress = [](size_t Done, size_t Total) {
      llvm::errs() << "\rmkmod: " << Done << "/" << Total << " modules"
                   << (Done == Total ? "\n" : "");
    };
  std::vector<MkModItemResult> Results = runMkMod(Items, *Db, Options, **L, *Script, Batch);

  for (const MkModItemResult &R : Results) {
    for (const std::string &W : R.Warnings)
      Report.warn(W);
    if (!R.Error.empty())
      llvm::errs() << "mkmod: error: " << oneLine(R.Error) << "\n";
  }
  MkModSummary Summary = summarize(Results);
  if (!Quiet && Results.size() > 1)
    llvm::errs() << "mkmod: " << Summary.Written << " written, " << Summary.Refused << " refused, "
                 << Summary.Failed << " failed\n";
  return exitCodeFor(Summary);
}

int main(int Argc, char **Argv) { return finishStdout("mkmod", run(Argc, Argv)); }
