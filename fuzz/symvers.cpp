// readSymvers: Module.symvers text.
#include "Database/Symvers.h"
#include "FuzzCommon.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver::fuzz;
  consume(modver::readSymvers(FuzzFileName, bytes(Data, Size)));
  return 0;
}
