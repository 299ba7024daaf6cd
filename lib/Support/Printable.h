// Values echoed in messages, made safe to print.
//
// A message quotes what it read: a CRC field, a symbol, a vermagic, a namespace. Taken from a
// hostile file, such a value may hold a carriage return, an escape sequence that rewrites the
// terminal, a NUL that cuts the line, a byte-order mark that prints as nothing, or ten
// megabytes. Every message that echoes a value passes it through printable().
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <string>

namespace modver {

// How many bytes of one echoed value a message shows.
constexpr size_t MaxEchoedBytes = 200;

// Value with every byte that is not printable ASCII escaped (\n, \r, \t, \0, \xNN: real
// kernel names, CRCs and vermagics are ASCII, so a UTF-8 byte-order mark shows as
// \xef\xbb\xbf rather than not at all), cut after Max bytes of the value with
// "... (N bytes)" saying how long it was.
std::string printable(llvm::StringRef Value, size_t Max = MaxEchoedBytes);

// A whole message made one line: control characters escaped (\n, \r, \xNN), other bytes kept
// (file names may be UTF-8). Used on every message a tool prints.
std::string oneLine(llvm::StringRef Message);

} // namespace modver
