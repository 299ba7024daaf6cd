#include "KernelCache.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

#include <cstdlib>

namespace modver::test {

std::vector<std::string> kernelAbis() {
  const char *Env = std::getenv("MODVER_KERNEL_ABIS");
  llvm::StringRef List = Env && *Env ? Env : "47,56";
  std::vector<std::string> Out;
  std::string Cur;
  for (char C : List) {
    if (C == ',' || C == ';' || C == ' ') {
      if (!Cur.empty())
        Out.push_back(Cur);
      Cur.clear();
    } else {
      Cur += C;
    }
  }
  if (!Cur.empty())
    Out.push_back(Cur);
  return Out;
}

std::string CachedKernel::missing() const {
  std::string M;
  for (const std::string &P : {vmlinuz(), kernelDir(), symvers()})
    if (!llvm::sys::fs::exists(P))
      M += (M.empty() ? "" : ", ") + P;
  return M;
}

CachedKernel cachedKernel(const std::string &Abi) {
  const char *Env = std::getenv("MODVER_KERNEL_CACHE");
  CachedKernel K;
  K.Abi = Abi;
  K.Release = "6.1.0-" + Abi + "-amd64";
  K.Root = std::string(Env && *Env ? Env : MODVER_KERNEL_CACHE_DEFAULT) + "/" + K.Release;
  return K;
}

std::string CachedDebianKernel::vmlinuz() const {
  std::string Signed = modulesDir() + "/vmlinuz";
  return llvm::sys::fs::exists(Signed) ? Signed : modulesDir() + "/vmlinuz.unsigned";
}

std::string CachedDebianKernel::missing() const {
  std::string M;
  for (const std::string &P : {vmlinuz(), kernelDir(), symvers()})
    if (!llvm::sys::fs::exists(P))
      M += (M.empty() ? "" : ", ") + P;
  return M;
}

CachedDebianKernel cachedDebianKernel(const std::string &Release) {
  const char *Env = std::getenv("MODVER_KERNEL_CACHE");
  CachedDebianKernel K;
  K.Release = Release;
  K.Root = std::string(Env && *Env ? Env : MODVER_KERNEL_CACHE_DEFAULT) + "/" + Release;
  return K;
}

} // namespace modver::test
