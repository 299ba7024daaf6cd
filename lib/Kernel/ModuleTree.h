// A folder of installed modules (/lib/modules/<release>, or its kernel/ subfolder) as a whole.
#pragma once

#include "Support/Batch.h"
#include "Database/SymbolDb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

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

// The exports of every module under Dir in one database: Exporter = exporterNameFor, Source =
// the module's path. The same symbol exported twice with different CRCs is an error. The
// kernel information gets Vermagic and Release when all modules' vermagic strings agree, and
// Target when all modules have the same ELF target. Opts sets the threads and the progress
// callback.
llvm::Expected<SymbolDb> readModuleTreeExports(llvm::StringRef Dir,
                                               const BatchOptions &Opts = {});

} // namespace modver
