#include "Relink/Relink.h"

namespace modver {

static void replaceAll(std::string &S, const std::string &From, const std::string &To) {
  if (From.empty() || From == To)
    return;
  for (size_t At = S.find(From); At != std::string::npos; At = S.find(From, At + To.size()))
    S.replace(At, From.size(), To);
}

std::string mentionInputNames(std::string Message, const std::vector<std::string> &Linked,
                              const RelinkJob &Job) {
  for (size_t I = 0; I < Job.Inputs.size() && I < Job.InputNames.size(); ++I) {
    if (I < Linked.size())
      replaceAll(Message, Linked[I], Job.InputNames[I]);
    replaceAll(Message, Job.Inputs[I], Job.InputNames[I]);
  }
  return Message;
}

std::string withInputsNamed(std::string Line, llvm::StringRef Message, const RelinkJob &Job) {
  const std::vector<std::string> &Names = Job.InputNames.empty() ? Job.Inputs : Job.InputNames;
  for (const std::string &N : Names)
    if (llvm::StringRef(Line).contains(N))
      return Line;
  std::string Named;
  for (const std::string &N : Names)
    if (Message.contains(N))
      Named += (Named.empty() ? "" : ", ") + N;
  if (!Named.empty() && !Line.empty())
    Line += " (in " + Named + ")";
  return Line;
}

} // namespace modver
