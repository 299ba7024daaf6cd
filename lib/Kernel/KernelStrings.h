// Facts a kernel image carries as plain data: its banner, its vermagic, its configuration.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace modver {

// The release from "Linux version <release> (" in Image, or empty.
std::string findBannerRelease(llvm::StringRef Image);

// The release from an x86 boot header kernel_version string (its first word), or empty.
std::string releaseFromBootVersion(llvm::StringRef BootVersion);

// VERMAGIC_STRING: a NUL-terminated string that starts with "<Release> " and has the token
// "mod_unload" or "modversions"; returned with its trailing space. Empty when not found.
std::string findVermagic(llvm::StringRef Image, llvm::StringRef Release);

// The .config text of an embedded IKCONFIG blob (CONFIG_IKCONFIG), or nullopt when there is
// none; Kernel/KernelConfig reads it as it reads a .config file.
std::optional<std::string> findEmbeddedConfig(llvm::StringRef Image);

} // namespace modver
