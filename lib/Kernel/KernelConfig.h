// The few CONFIG_ options that change what the module loader accepts, read from a kernel's
// .config (Debian ships it as /boot/config-<release> and in the headers tree) or from the copy
// a kernel built with CONFIG_IKCONFIG embeds in its image: one parser for both.
#pragma once

#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace modver {

// Set KernelInfo's loader options from a .config text: CONFIG_MODULE_FORCE_LOAD,
// CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS, CONFIG_MODULE_SIG_FORCE and the MODVERSIONS
// options ("=y", or "# ... is not set").
void applyKernelConfig(llvm::StringRef ConfigText, KernelInfo &Kernel);

// Read a .config file (plain or compressed) into Kernel.
llvm::Error readKernelConfig(llvm::StringRef Path, KernelInfo &Kernel);

// Where a distribution keeps the configuration of the kernel whose file is KernelFile, if that
// file exists: /boot/config-<release> beside /boot/vmlinuz-<release> or
// /boot/symvers-<release>.gz, .config beside a headers tree's Module.symvers, and config
// beside /usr/lib/modules/<release>/vmlinuz (Debian's packages since 7.x).
std::optional<std::string> configBeside(llvm::StringRef KernelFile);

} // namespace modver
