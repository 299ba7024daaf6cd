// Relinking a relocatable module with `ld -r` and a linker script: the only part of modver
// that knows about linkers.
//
// A Linker runs one relocatable link, `-r -T <script> -o <output> <inputs...>`, either with
// LLD (22) inside this process (fast: no process start, no reading of a linker binary) or with
// an external program (GNU ld, ld.lld, a cross linker). Either way the output appears
// atomically: the linker writes the temporary file of an OutputFile (Support/OutputFile.h),
// which is renamed over the output only when the link succeeded, so a failed link never leaves
// a half-written module behind and never touches an existing output.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace modver {

// One relocatable link.
struct RelinkJob {
  std::vector<std::string> Inputs; // ELF relocatables on disk, in link order
  std::string OutputPath;          // written atomically; an existing file is replaced
  std::string ScriptPath;          // passed as -T (see findLinkerScript)
  // What messages call each input, in the order of Inputs: the user's file behind a
  // decompressed staging copy. Empty (or shorter): the path in Inputs.
  std::vector<std::string> InputNames = {};
  bool KeepMode = false; // an existing output keeps its mode (--in-place)
};

// A linker's Message with every mention of a file it was handed (Linked[I], the I-th input or
// a private copy of it) and of Job.Inputs[I] replaced by Job.InputNames[I]: the staging files
// are gone when the message is read, the user's files are not.
std::string mentionInputNames(std::string Message, const std::vector<std::string> &Linked,
                              const RelinkJob &Job);

// Line (the first line of a linker's Message) with " (in A, B)" added when it names none of
// the inputs but the lines after it do (LLD's "duplicate symbol: X", then ">>> defined at").
std::string withInputsNamed(std::string Line, llvm::StringRef Message, const RelinkJob &Job);

class Linker {
public:
  virtual ~Linker();

  // LLD linked into this process. LLD keeps its state in process-wide variables, so links
  // through one Linker are serialised by a lock inside it; a process must use ONE in-process
  // Linker for all its links (share it between threads) and must not use LLD any other way at
  // the same time. A fatal LLD error comes back as an llvm::Error and the process goes on; if
  // LLD crashed (a signal inside LLD), the Linker refuses further links because LLD's state may
  // be corrupt.
  static llvm::Expected<std::unique_ptr<Linker>> inProcess();

  // An external linker program, started once per link: a path, or a name looked up in PATH
  // ("ld", "ld.lld", "aarch64-linux-gnu-ld"). It must accept GNU ld's -r, -T and -o. Links
  // through an external Linker may run concurrently.
  static llvm::Expected<std::unique_ptr<Linker>> external(llvm::StringRef Program);

  // Run the link. Errors are one line: "<output>: <linker>: <first line of its message>".
  virtual llvm::Error link(const RelinkJob &Job) = 0;

  // For messages: "in-process LLD" or the program's path.
  virtual std::string name() const = 0;
};

// Find a file of the linker-scripts/ folder (Name, e.g. "modver.lds") relative to the running
// executable, whose path is taken from /proc/self/exe or, failing that, Argv0:
//   1. <bindir>/../share/modver/linker-scripts/Name   (installed)
//   2. <ancestor>/linker-scripts/Name for each ancestor folder of the executable (a build
//      folder inside the source tree)
//   3. <source>/linker-scripts/Name where <source> is the source folder named in the
//      CMakeCache.txt of an ancestor folder (a build folder outside the source tree)
// The error lists where it looked.
llvm::Expected<std::string> findLinkerScript(llvm::StringRef Name, llvm::StringRef Argv0);

} // namespace modver
