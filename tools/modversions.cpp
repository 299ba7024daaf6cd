// modversions: build a kernel's symbol->CRC database and write it as modversions.o, or dump
// any database source. A thin driver: the work is in lib/.
#include "Database/DbDump.h"
#include "Elf/ElfTarget.h"
#include "Explain/ExplainRun.h"
#include "Kernel/KernelDb.h"
#include "Support/Error.h"
#include "Support/InputFile.h"
#include "Support/OutputFile.h"
#include "ToolMain/KernelOptions.h"
#include "ToolMain/ToolMain.h"
#include "Versioning/ModversionsObject.h"

#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

using namespace modver;

static int run(int Argc, char **Argv) {
  CLI::App App{"Build a kernel's symbol version database (modversions.o) from vmlinux, a "
               "compressed vmlinuz, Module.symvers files and exporting modules.",
               "modversions"};
  KernelSources Sources;
  std::string Output, DumpFile, TargetFrom;
  std::vector<std::string> Types, Headers;
  bool Json = false;
  addKernelSourceOptions(App, Sources);
  App.add_option("-o,--output", Output, "write the database as an ELF object here");
  App.add_option("--target-from", TargetFrom,
                 "take the ELF target from this object (when only Module.symvers is given)");
  App.add_option("--dump", DumpFile,
                 "print the database read from FILE (modversions.o, kernel image or symvers)");
  App.add_flag("--json", Json, "with --dump: print JSON");
  App.add_option("--types", Types,
                 "FILE SYMBOL...: print each symbol's declaration and every type reachable "
                 "from it, expanded by name (BTF of a kernel image or object, else DWARF); "
                 "diff the output of two kernels")
      ->expected(2, -1);
  App.add_option("--headers", Headers,
                 "with --types: a headers tree of the kernel (repeatable; default: found beside "
                 "a kernel image); types no header defines are printed unexpanded, as genksyms "
                 "leaves them")
      ->allow_extra_args(false);
  addVersionFlag(App);
  CLI11_PARSE_TOOL(App, Argc, Argv);

  ToolErrors Report("modversions");
  if (!Types.empty()) {
    if (!Sources.empty() || !Output.empty() || !DumpFile.empty())
      return Report.usage("--types takes one file and symbols, and no other source or output");
    std::vector<std::string> Symbols(Types.begin() + 1, Types.end());
    if (llvm::Error E = printTypesOf(llvm::outs(), Types[0], Symbols, Headers))
      return Report.fail(std::move(E));
    return ExitOk;
  }
  if (!DumpFile.empty()) {
    if (!Sources.empty() || !Output.empty())
      return Report.usage("--dump takes one file and no other source or output");
    auto Db = readKernelFile(DumpFile);
    if (!Db)
      return Report.fail(Db.takeError());
    if (Json)
      printDbJson(llvm::outs(), *Db);
    else
      printDbTable(llvm::outs(), *Db);
    return ExitOk;
  }
  if (Output.empty())
    return Report.usage("no output: give -o FILE (or --dump FILE)");
  std::vector<std::string> InputFiles = kernelSourceFiles(Sources);
  if (!TargetFrom.empty())
    InputFiles.push_back(TargetFrom);
  if (llvm::Error E = checkOutputIsNotAnInput(Output, InputFiles))
    return Report.fail(std::move(E));
  auto Db = loadKernelDbOrRunning(Sources);
  if (!Db)
    return Report.fail(Db.takeError());
  if (!TargetFrom.empty()) {
    auto Obj = readInputFile(TargetFrom);
    if (!Obj)
      return Report.fail(Obj.takeError());
    auto Target = readElfTarget(TargetFrom, (*Obj)->getBuffer());
    if (!Target)
      return Report.fail(Target.takeError());
    if (Db->kernel().Target && !Db->kernel().Target->agreesWith(*Target))
      return Report.fail(fileError(TargetFrom, "is " + Target->describe() + ", the kernel is " +
                                                   Db->kernel().Target->describe()));
    Db->kernel().Target = *Target;
  }
  auto Bytes = writeModversionsObject(*Db);
  if (!Bytes)
    return Report.fail(Bytes.takeError());
  if (llvm::Error E = writeFileAtomically(Output, *Bytes, {/*Dash=*/true}))
    return Report.fail(std::move(E));
  return ExitOk;
}

int main(int Argc, char **Argv) { return finishStdout("modversions", run(Argc, Argv)); }
