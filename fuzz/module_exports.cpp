// readModuleExports: __ksymtab*, __kcrctab*, their relocations and __ksymtab_strings.
#include "FuzzCommon.h"
#include "Module/ModuleExports.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  consume(modver::readModuleExports(FuzzFileName, bytes(Data, Size), "fuzz/module"));
  return 0;
}
