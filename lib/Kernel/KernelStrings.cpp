// Facts read from a kernel image's data rather than its structure.
//
// They are found by searching the bytes for the markers the kernel itself puts there
// (init/version.c's banner, VERMAGIC_STRING in kernel/module, kernel/configs.c's IKCONFIG
// blob), with strict checks on what follows so that a chance match is not taken.
#include "Kernel/KernelStrings.h"

#include "Compression/Decompress.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cstring>

namespace modver {

namespace {

// UTS release strings are at most 64 characters (__NEW_UTS_LEN).
constexpr size_t MaxReleaseLength = 64;
constexpr size_t MaxVermagicLength = 512;
constexpr uint64_t MaxConfigSize = uint64_t(64) << 20;

// StringRef::find is a simple loop; glibc's memmem is several times faster, which matters
// when searching a 60 MiB vmlinux for a marker that is usually absent (IKCFG_ST).
size_t findFrom(llvm::StringRef Haystack, llvm::StringRef Needle, size_t From) {
  if (From > Haystack.size())
    return llvm::StringRef::npos;
  const void *Hit =
      ::memmem(Haystack.data() + From, Haystack.size() - From, Needle.data(), Needle.size());
  return Hit ? size_t(static_cast<const char *>(Hit) - Haystack.data()) : llvm::StringRef::npos;
}

bool isPrintable(llvm::StringRef S) {
  return llvm::all_of(S, [](char C) { return C >= 0x20 && C < 0x7f; });
}

bool isRelease(llvm::StringRef S) {
  return !S.empty() && S.size() <= MaxReleaseLength && isPrintable(S) &&
         S.find_first_of(" %") == llvm::StringRef::npos;
}

} // namespace

std::string findBannerRelease(llvm::StringRef Image) {
  // linux_banner is "Linux version <release> (<builder>) ..."; the /proc format string
  // "%s version %s (" does not match because of the '%'.
  const llvm::StringRef Marker = "Linux version ";
  for (size_t Pos = findFrom(Image, Marker, 0); Pos != llvm::StringRef::npos;
       Pos = findFrom(Image, Marker, Pos + 1)) {
    llvm::StringRef Rest = Image.substr(Pos + Marker.size(), MaxReleaseLength + 2);
    size_t End = Rest.find(' ');
    if (End == llvm::StringRef::npos || !Rest.substr(End).starts_with(" ("))
      continue;
    if (isRelease(Rest.take_front(End)))
      return Rest.take_front(End).str();
  }
  return {};
}

std::string releaseFromBootVersion(llvm::StringRef BootVersion) {
  llvm::StringRef First = BootVersion.split(' ').first;
  return isRelease(First) ? First.str() : std::string();
}

std::string findVermagic(llvm::StringRef Image, llvm::StringRef Release) {
  if (Release.empty())
    return {};
  std::string Prefix = Release.str() + " ";
  std::string Fallback;
  for (size_t Pos = findFrom(Image, Prefix, 0); Pos != llvm::StringRef::npos;
       Pos = findFrom(Image, Prefix, Pos + 1)) {
    llvm::StringRef Rest = Image.substr(Pos, MaxVermagicLength);
    size_t End = Rest.find('\0');
    if (End == llvm::StringRef::npos)
      continue;
    llvm::StringRef S = Rest.take_front(End);
    if (!isPrintable(S))
      continue;
    llvm::SmallVector<llvm::StringRef, 8> Tokens;
    S.split(Tokens, ' ', -1, /*KeepEmpty=*/false);
    if (!llvm::is_contained(Tokens, "mod_unload") && !llvm::is_contained(Tokens, "modversions"))
      continue;
    // A string of its own (after a NUL) beats the tail of a longer one.
    if (Pos == 0 || Image[Pos - 1] == '\0')
      return S.str();
    if (Fallback.empty())
      Fallback = S.str();
  }
  return Fallback;
}

std::optional<std::string> findEmbeddedConfig(llvm::StringRef Image) {
  const llvm::StringRef Start = "IKCFG_ST", End = "IKCFG_ED";
  for (size_t Pos = findFrom(Image, Start, 0); Pos != llvm::StringRef::npos;
       Pos = findFrom(Image, Start, Pos + 1)) {
    llvm::StringRef Blob = Image.drop_front(Pos + Start.size());
    size_t Stop = findFrom(Blob, End, 0);
    if (Stop != llvm::StringRef::npos)
      Blob = Blob.take_front(Stop);
    if (detectCompression(Blob) != Compression::Gzip)
      continue;
    auto Config = decompress("IKCONFIG", Blob, Compression::Gzip, MaxConfigSize);
    if (!Config) {
      llvm::consumeError(Config.takeError()); // a stray marker, not the blob
      continue;
    }
    return (*Config)->getBuffer().str();
  }
  return std::nullopt;
}

} // namespace modver
