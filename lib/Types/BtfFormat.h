// The on-disk layout of BTF (linux: include/uapi/linux/btf.h), as constants: the reader
// decodes fields by offset so that either byte order works without packed structs.
#pragma once

#include <cstdint>

namespace modver::btf {

constexpr uint16_t Magic = 0xeB9F;
constexpr uint32_t HeaderMinSize = 24;  // magic..str_len
constexpr uint32_t TypeHeaderSize = 12; // name_off, info, size/type

enum Kind : uint8_t {
  Unknown = 0,
  Int = 1,
  Ptr = 2,
  Array = 3,
  Struct = 4,
  Union = 5,
  Enum = 6,
  Fwd = 7,
  Typedef = 8,
  Volatile = 9,
  Const = 10,
  Restrict = 11,
  Func = 12,
  FuncProto = 13,
  Var = 14,
  DataSec = 15,
  Float = 16,
  DeclTag = 17,
  TypeTag = 18,
  Enum64 = 19,
};

inline uint32_t infoVlen(uint32_t Info) { return Info & 0xffff; }
inline uint8_t infoKind(uint32_t Info) { return (Info >> 24) & 0x1f; }
inline bool infoKindFlag(uint32_t Info) { return Info >> 31; }

// INT's trailing word.
constexpr uint32_t IntSigned = 1;
inline uint32_t intEncoding(uint32_t W) { return (W >> 24) & 0x0f; }

// A member's offset word when the struct's kind_flag is set: bitfield size and bit offset.
inline uint32_t memberBitfieldSize(uint32_t Off) { return Off >> 24; }
inline uint32_t memberBitOffset(uint32_t Off) { return Off & 0xffffff; }

} // namespace modver::btf
