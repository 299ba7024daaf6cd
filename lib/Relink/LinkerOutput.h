// What comes back from a linker (internal to Relink): the file it wrote and its messages.
//
// A linker is pointed at the temporary file of an OutputFile (Support/OutputFile.h), so that
// the output appears atomically and the temporary is removed on errors and signals.
#pragma once

#include "Support/OutputFile.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace modver {

// Put what the linker wrote into Out's temporary file in place. A linker may have replaced
// the file (LLD and GNU ld do) or written into it; it must be there and must not be empty, or
// the linker failed without saying so.
llvm::Error commitLinkerOutput(OutputFile &Out);

// Replace every mention of Out's temporary path in a linker's message with the output path,
// so that the user reads about the file they asked for.
std::string mentionOutput(std::string Message, const OutputFile &Out);

// The line of a linker's diagnostic output worth showing in a one-line error: the first line
// that is not a warning (or the first line, if all are), without the "<program>: " prefix the
// linker puts in front (ProgramName as invoked, or its file name) and without "error: ".
// Empty if Text has no non-blank line.
std::string firstDiagnosticLine(llvm::StringRef Text, llvm::StringRef ProgramName);

} // namespace modver
