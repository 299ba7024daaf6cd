#include "ToolMain/ToolMain.h"

#include "Support/Printable.h"
#include "Support/SignalCleanup.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace modver {

ToolErrors::ToolErrors(llvm::StringRef Tool) : Tool(Tool.str()) {}

void ToolErrors::error(llvm::Error E) {
  llvm::handleAllErrors(std::move(E), [&](const llvm::ErrorInfoBase &Info) {
    llvm::errs() << Tool << ": error: " << oneLine(Info.message()) << "\n";
  });
}

int ToolErrors::fail(llvm::Error E) {
  error(std::move(E));
  return ExitError;
}

int ToolErrors::usage(const llvm::Twine &Message) {
  llvm::errs() << Tool << ": error: " << oneLine(Message.str()) << " (see --help)\n";
  return ExitUsage;
}

void ToolErrors::warn(const llvm::Twine &Message) {
  llvm::errs() << Tool << ": warning: " << oneLine(Message.str()) << "\n";
}

int parseFailed(CLI::App &App, const CLI::ParseError &E) {
  if (E.get_exit_code() == int(CLI::ExitCodes::Success))
    return App.exit(E) == 0 ? ExitOk : ExitUsage; // --help, --version
  return ToolErrors(App.get_name()).usage(E.what());
}

// A descriptor 0-2 the process was started without ("modcheck --json >&-") is taken by the
// next file opened, and standard output would then be written into that file. Hold each such
// slot with /dev/null opened read-only: reads see end of file, and writes fail with EBADF,
// as on a closed descriptor, so finishStdout() still reports them.
static void holdStandardDescriptors() {
  for (int Fd = 0; Fd <= 2; ++Fd) {
    if (::fcntl(Fd, F_GETFD) != -1 || errno != EBADF)
      continue;
    int Held = ::open("/dev/null", O_RDONLY);
    if (Held >= 0 && Held != Fd) {
      ::dup2(Held, Fd);
      ::close(Held);
    }
  }
}

void prepareProcess() {
  std::signal(SIGXFSZ, SIG_IGN);
  holdStandardDescriptors();
  installSignalCleanup();
}

int finishStdout(llvm::StringRef Tool, int Code) {
  llvm::raw_fd_ostream &Out = llvm::outs();
  Out.flush();
  // Left set, the error would make the stream's destructor abort the process at exit.
  if (Out.has_error()) {
    std::string Why = Out.error().message();
    Out.clear_error();
    llvm::errs() << Tool << ": error: standard output: " << Why << "\n";
    Code = ExitError;
  }
  // Nothing can be reported about a failing standard error; it must not abort either.
  llvm::errs().clear_error();
  return Code;
}

} // namespace modver
