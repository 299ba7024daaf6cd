// What every modver tool does the same way: report errors as one line, map failures to the
// documented exit codes, parse the command line with CLI11, answer --version.
#pragma once

#include "Support/Error.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <CLI/CLI.hpp>

#include <string>

namespace modver {

// Process exit codes, the same for every tool (see docs/exit-codes.md).
enum ExitCode : int {
  ExitOk = 0,
  ExitNegative = 1, // the question had a "no" answer (modcheck: some module would be refused)
  ExitError = 2,    // an input could not be read, or an output could not be written
  ExitUsage = 64,   // the command line itself is wrong
};

// Prints "<tool>: error: <message>" / "<tool>: warning: <message>" on stderr and gives back the
// exit code for the kind of failure.
class ToolErrors {
public:
  explicit ToolErrors(llvm::StringRef Tool);
  // An input could not be read or an output not written: prints, returns ExitError.
  int fail(llvm::Error E);
  // The command line is wrong: prints, returns ExitUsage.
  int usage(const llvm::Twine &Message);
  void warn(const llvm::Twine &Message);
  // Prints an error without deciding the exit code (for batch runs that go on).
  void error(llvm::Error E);

private:
  std::string Tool;
};

// Process-wide settings every tool wants before it writes anything: a write past `ulimit -f`
// must fail with EFBIG and a message, not kill the process with SIGXFSZ.
// Descriptors 0-2 that are closed are held (see ToolMain.cpp), so that no file opened later
// takes their place. Temporary files are removed on SIGINT/SIGTERM (see SignalCleanup.h).
void prepareProcess();

// Flush standard output; a write error on it (/dev/full, a closed descriptor, a full disk)
// becomes the line "<tool>: error: standard output: <reason>" and ExitError, else Code.
// Every tool's main() returns through it.
int finishStdout(llvm::StringRef Tool, int Code);

inline void addVersionFlag(CLI::App &App) {
  App.set_version_flag("-V,--version", std::string(App.get_name()) + " (modver) " MODVER_VERSION);
}

// After CLI11 gave up: --help and --version print and give 0; any other parse error becomes
// the one line "<tool>: error: <what> (see --help)" and ExitUsage (CLI11's own report is two
// lines without the tool's name).
int parseFailed(CLI::App &App, const CLI::ParseError &E);

// CLI11_PARSE, with the documented exit codes: 0 after --help/--version, ExitUsage on a bad
// command line.
#define CLI11_PARSE_TOOL(App, Argc, Argv)                                                          \
  do {                                                                                             \
    ::modver::prepareProcess();                                                                    \
    try {                                                                                          \
      (App).parse((Argc), (Argv));                                                                 \
    } catch (const CLI::ParseError &E) {                                                           \
      return ::modver::parseFailed((App), E);                                                      \
    }                                                                                              \
  } while (0)

} // namespace modver
