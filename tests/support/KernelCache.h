// The Debian kernels the `kernel`-labelled suites run against, as tests/kernel/fetch-kernel
// unpacks them: $MODVER_KERNEL_CACHE (default /var/cache/modver-kernels)/6.1.0-<abi>-amd64/.
#pragma once

#include <string>
#include <vector>

namespace modver::test {

// MODVER_KERNEL_ABIS split at ',', ';' or spaces (default "47,56": the oldest and newest).
std::vector<std::string> kernelAbis();

struct CachedKernel {
  std::string Abi, Release, Root;
  std::string vmlinuz() const { return Root + "/boot/vmlinuz-" + Release; }
  std::string modulesDir() const { return Root + "/lib/modules/" + Release; }
  std::string kernelDir() const { return modulesDir() + "/kernel"; }
  std::string symvers() const {
    return Root + "/usr/src/linux-headers-" + Release + "/Module.symvers";
  }
  // Empty when the image, the module tree and Module.symvers are there, else what is missing.
  std::string missing() const;
};

CachedKernel cachedKernel(const std::string &Abi);

} // namespace modver::test
