// Starting a tool in a child whose environment a test sets: its $TMPDIR, its umask, what its
// standard output is (a file, /dev/full, or closed), so that signals can be sent to it.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace modver::test {

struct ChildSetup {
  std::string Tmpdir; // $TMPDIR of the child; empty: inherited
  int Umask = -1;     // the child's umask; -1: inherited
  enum { ToFile, DevFull, Closed } Stdout = ToFile;
  std::string OutPath; // with ToFile: standard output goes here
  std::string ErrPath; // standard error goes here
};

inline pid_t startChild(const std::vector<std::string> &Argv, const ChildSetup &S) {
  pid_t Pid = fork();
  if (Pid < 0) {
    ADD_FAILURE() << "fork: " << strerror(errno);
    return Pid;
  }
  if (Pid != 0)
    return Pid;
  int In = open("/dev/null", O_RDONLY);
  int Err = open(S.ErrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int Out = S.Stdout == ChildSetup::DevFull ? open("/dev/full", O_WRONLY)
            : S.Stdout == ChildSetup::Closed
                ? open("/dev/null", O_RDONLY) // a placeholder, closed below
                : open(S.OutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (In < 0 || Out < 0 || Err < 0)
    _exit(127);
  dup2(In, 0);
  dup2(Err, 2);
  if (S.Stdout == ChildSetup::Closed)
    close(1);
  else
    dup2(Out, 1);
  for (int Fd : {In, Out, Err})
    if (Fd > 2)
      close(Fd);
  // A test run from a shell without job control may have SIGINT ignored; exec keeps that.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (!S.Tmpdir.empty())
    setenv("TMPDIR", S.Tmpdir.c_str(), 1);
  if (S.Umask >= 0)
    umask(mode_t(S.Umask));
  std::vector<char *> Args;
  for (const std::string &A : Argv)
    Args.push_back(const_cast<char *>(A.c_str()));
  Args.push_back(nullptr);
  execv(Args[0], Args.data());
  _exit(127);
}

struct ChildEnd {
  int ExitCode = -1; // -1 when killed by a signal
  int Signal = 0;
};

inline ChildEnd endOf(int Status) {
  ChildEnd E;
  if (WIFEXITED(Status))
    E.ExitCode = WEXITSTATUS(Status);
  else if (WIFSIGNALED(Status))
    E.Signal = WTERMSIG(Status);
  return E;
}

inline ChildEnd waitChild(pid_t Pid) {
  int Status = 0;
  while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR) {
  }
  return endOf(Status);
}

// How the child ended, if it has (then it is reaped); nothing while it still runs.
inline std::optional<ChildEnd> childEnded(pid_t Pid) {
  int Status = 0;
  if (waitpid(Pid, &Status, WNOHANG) != Pid)
    return std::nullopt;
  return endOf(Status);
}

} // namespace modver::test
