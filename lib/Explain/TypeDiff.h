// What changed between two definitions of the same named type, or two declarations of the
// same symbol, in words: "member 'x' added at offset 208", "enumerator 'Y' value 3 -> 4".
#pragma once

#include "Types/TypeGraph.h"

#include <string>
#include <vector>

namespace modver {

// A and B are the same key (kind and name) in two graphs.
std::vector<std::string> diffDefinitions(const TypeGraph &GA, TypeId A, const TypeGraph &GB,
                                         TypeId B);

// A and B are FUNCs or VARs of the same name; parameter names are not compared (BTF takes
// them from the definition, genksyms from the declaration a caller sees).
std::vector<std::string> diffDeclarations(const TypeGraph &GA, TypeId A, const TypeGraph &GB,
                                          TypeId B);

} // namespace modver
