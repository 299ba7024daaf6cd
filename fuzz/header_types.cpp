// HeaderTypes::scanText: the lexical scan of a header (thousands of them per kernel, and a
// user may point --headers at any tree). Any text must scan without a crash or a hang, and
// every tag it records must be found again.
#include "FuzzCommon.h"
#include "Types/HeaderTypes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace modver;
  HeaderTypes H;
  H.scanText(fuzz::bytes(Data, Size));
  (void)H.defines("struct a", {"x", "y"});
  (void)H.defines("enum e");
  return 0;
}
