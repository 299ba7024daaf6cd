// The options every tool uses to name a kernel, spelled the same way everywhere.
#pragma once

#include "Kernel/KernelDb.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace modver {

// --kernel, --symvers, --modules; each takes one value per use and may be repeated, so that a
// repeatable option never swallows the positional arguments that follow it.
inline void addKernelSourceOptions(CLI::App &App, KernelSources &Sources) {
  App.add_option("-k,--kernel", Sources.Kernels,
                 "vmlinux, vmlinuz, modversions.o or Module.symvers of the kernel (repeatable)")
      ->allow_extra_args(false);
  App.add_option("-s,--symvers", Sources.Symvers, "Module.symvers, plain or .gz (repeatable)")
      ->allow_extra_args(false);
  App.add_option("-m,--modules", Sources.ModuleDirs,
                 "folder of modules whose exports count too (repeatable)")
      ->allow_extra_args(false);
  App.add_option("--kernel-config", Sources.Config,
                 "the kernel's .config (default: config-<release> or .config found beside the "
                 "kernel file)");
}

// The files the options name (not the folders): what an output must never be.
inline std::vector<std::string> kernelSourceFiles(const KernelSources &Sources) {
  std::vector<std::string> Files = Sources.Kernels;
  Files.insert(Files.end(), Sources.Symvers.begin(), Sources.Symvers.end());
  if (!Sources.Config.empty())
    Files.push_back(Sources.Config);
  return Files;
}

} // namespace modver
