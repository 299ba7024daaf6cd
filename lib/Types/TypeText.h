// Types as stable text, by name: the vocabulary of closures, `--types` and explanations.
//
// A named struct, union, enum or typedef is referred to by its name only ("struct page"),
// as genksyms refers to a type it has already expanded; anonymous aggregates are spelled out
// in place, as they have no name to stand for them. Type ids never appear, so the text of the
// same type in two kernels compares equal.
#pragma once

#include "Types/TypeGraph.h"

#include <string>

namespace modver {

// Whether Id is a struct, union, enum, typedef or forward declaration with a name.
bool isNamedType(const TypeGraph &G, TypeId Id);

// "struct page", "union foo", "enum bar", "typedef gfp_t": the kind word and the name.
// A forward declaration has the key of what it declares.
std::string typeKey(const TypeGraph &G, TypeId Id);

// How a member or parameter of type Id is spelled: "struct page *", "char const [16]",
// "int (struct file *, long) *", "gfp_t": qualifiers follow what they qualify, a typedef is
// its name, BTF type tags (attributes genksyms never sees) are left out.
std::string typeRef(const TypeGraph &G, TypeId Id);

// The definition of a named type, one line per member or enumerator:
//   struct foo {  // size 16
//     @0 a: int
//     @4.3:2 flags: unsigned int     (byte 4, bit 3, 2 bits wide)
//   }
std::string typeDefinition(const TypeGraph &G, TypeId Id);

// A FUNC or VAR: "func kmalloc: void * (size: size_t, flags: gfp_t)".
std::string symbolDeclaration(const TypeGraph &G, TypeId Id);

// A member's place: "@208", or "@4.3:2" for a bitfield.
std::string memberPlace(const TypeItem &M);

} // namespace modver
