// A folder of installed modules (/lib/modules/<release>, or its kernel/ subfolder) as a whole.
#pragma once

#include "Database/SymbolDb.h"
#include "Module/ModuleImports.h"
#include "Support/Batch.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem/UniqueID.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace modver {

struct ModuleFile {
  std::string Path;         // as found: Dir joined with RelativePath
  std::string RelativePath; // "kernel/drivers/usb/storage/usb-storage.ko.xz", '/'-separated
  std::string ExporterName; // "drivers/usb/storage/usb-storage" (see exporterNameFor)
};

// Whether a file name is a module kbuild installs: .ko, .ko.xz, .ko.zst or .ko.gz.
bool isModuleFileName(llvm::StringRef Name);

// The Module.symvers name of the module at RelativePath: the path without the .ko* suffix and
// without a leading "kernel/" (the folder modules_install adds).
std::string exporterNameFor(llvm::StringRef RelativePath);

// Every module under Dir, recursively, sorted by relative path (byte order), so the result
// does not depend on directory order. Symbolic links to folders are not followed (the build
// and source links of /lib/modules/<release> lead out of the tree); links to module files are
// taken.
llvm::Expected<std::vector<ModuleFile>> findModules(llvm::StringRef Dir);

// The check inputs of modules a tree walk decompresses anyway, kept for a caller that checks
// the same files (`modcheck TREE --modules TREE`), so that each module is decompressed once
// whatever roles it plays. Files are matched by identity (device and inode), not spelling.
// The kept imports leave Defined empty: a check does not use it.
class KeptImports {
public:
  KeptImports() = default;
  // Keep the imports of these files (missing files are left to whoever reads them).
  explicit KeptImports(llvm::ArrayRef<std::string> Paths);
  bool wantsAny() const { return !Wanted.empty(); }
  bool wants(const llvm::sys::fs::UniqueID &ID) const { return Wanted.count(ID) != 0; }
  void keep(const llvm::sys::fs::UniqueID &ID, llvm::Expected<ModuleImports> Imports);
  // The imports kept for Path, moved out (a second take gives nothing), or nullopt.
  std::optional<llvm::Expected<ModuleImports>> take(llvm::StringRef Path);

private:
  // An error is kept as its message: an Expected must not outlive an unchecked error.
  struct Reading {
    std::optional<ModuleImports> Imports;
    std::string Error;
  };
  std::set<llvm::sys::fs::UniqueID> Wanted;
  std::map<llvm::sys::fs::UniqueID, Reading> Kept;
};

// The exports of every module under Dir in one database: Exporter = exporterNameFor, Source =
// the module's path. The same symbol exported twice with different CRCs is an error. The
// kernel information gets Vermagic and Release when all modules' vermagic strings agree, and
// Target when all modules have the same ELF target. Opts sets the threads and the progress
// callback. The imports of the modules Keep wants are read in the same pass and kept there.
llvm::Expected<SymbolDb> readModuleTreeExports(llvm::StringRef Dir, const BatchOptions &Opts = {},
                                               KeptImports *Keep = nullptr);

} // namespace modver
