#include "ToolMain/ToolMain.h"

#include "Support/Printable.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>

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

void prepareProcess() { std::signal(SIGXFSZ, SIG_IGN); }

} // namespace modver
