#include "ToolMain/ToolMain.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>

namespace modver {

ToolErrors::ToolErrors(llvm::StringRef Tool) : Tool(Tool.str()) {}

void ToolErrors::error(llvm::Error E) {
  llvm::handleAllErrors(std::move(E), [&](const llvm::ErrorInfoBase &Info) {
    llvm::errs() << Tool << ": error: " << Info.message() << "\n";
  });
}

int ToolErrors::fail(llvm::Error E) {
  error(std::move(E));
  return ExitError;
}

int ToolErrors::usage(const llvm::Twine &Message) {
  llvm::errs() << Tool << ": error: " << Message << " (see --help)\n";
  return ExitUsage;
}

void ToolErrors::warn(const llvm::Twine &Message) {
  llvm::errs() << Tool << ": warning: " << Message << "\n";
}

void prepareProcess() { std::signal(SIGXFSZ, SIG_IGN); }

} // namespace modver
