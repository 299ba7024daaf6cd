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

// A newer Debian kernel as tests/kernel/fetch-debian unpacks it (merged /usr, split packages):
// CACHE/<release>/usr/lib/modules/<release>/{vmlinuz or vmlinuz.unsigned, config, kernel/}
// and usr/src/linux-headers-<release>/Module.symvers.
struct CachedDebianKernel {
  std::string Release, Root;
  std::string modulesDir() const { return Root + "/usr/lib/modules/" + Release; }
  std::string kernelDir() const { return modulesDir() + "/kernel"; }
  std::string headersDir() const { return Root + "/usr/src/linux-headers-" + Release; }
  std::string symvers() const { return headersDir() + "/Module.symvers"; }
  std::string config() const { return headersDir() + "/.config"; }
  // The image: vmlinuz (the signed package) or vmlinuz.unsigned, whichever is there.
  std::string vmlinuz() const;
  std::string missing() const; // as CachedKernel::missing
};

// Release as fetch-debian names it, e.g. "7.2.13+deb14-amd64" (the build's
// MODVER_SID_KERNEL) or "6.12.118+deb13-amd64" (MODVER_TRIXIE_KERNEL).
CachedDebianKernel cachedDebianKernel(const std::string &Release);

} // namespace modver::test
