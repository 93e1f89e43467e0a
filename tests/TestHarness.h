//===- TestHarness.h - Runs the real CLI and reads testdata expectations -===//
//
// Testdata files carry their expectations clang-tidy style, on the line after
// the code they describe:
//   // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: <message part> [rule]
//   // CHECK-NOTES:    :[[@LINE-1]]:3: note: <message part>
// The harness runs the built factoryguard binary on the file, parses its
// clang-style text output and compares both ways: every expectation found,
// nothing unexpected reported.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_TESTHARNESS_H
#define FACTORYGUARD_TESTHARNESS_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fgtest {

struct RunResult {
  int ExitCode = -1;
  std::string Out, Err;
};

/// Runs Program with Args (argv[0] is added) in Cwd (or the current dir).
RunResult runProgram(const std::string &Program,
                     const std::vector<std::string> &Args,
                     const std::string &Cwd = "");
/// Runs the built factoryguard.
RunResult runFactoryguard(const std::vector<std::string> &Args,
                          const std::string &Cwd = "");

struct Diag {
  std::string File; // as printed
  unsigned Line = 0, Col = 0;
  std::string Level, Message, Rule;
};

/// Expectations of one testdata file (CHECK-MESSAGES, or CHECK-NOTES for
/// notes). File is recorded as given.
std::vector<Diag> readExpectations(const std::string &File,
                                   const std::string &Prefix = "CHECK-MESSAGES");
/// Every `file:line:col: level: message [rule]` line of the text output;
/// notes have no rule.
std::vector<Diag> parseTextOutput(const std::string &Out);
/// Compares expectations with what was reported for files whose name ends
/// with FileSuffix. Levels "warning"/"error"/"note" are compared as given.
::testing::AssertionResult matches(const std::vector<Diag> &Expected,
                                   const std::vector<Diag> &Reported,
                                   const std::string &FileSuffix);

/// Lines of CHECK-FIXES in a testdata file: each must occur, in order, in the
/// fixed text.
std::vector<std::string> readFixExpectations(const std::string &File);

std::string readFile(const std::string &Path);
void writeFile(const std::string &Path, const std::string &Text);
/// A fresh temporary directory (removed by the caller or left in /tmp).
std::string makeTempDir(const std::string &Name);
/// Copies a file or directory tree.
void copyTree(const std::string &From, const std::string &To);

/// The standard flags for testdata: C++17 and testdata/include.
std::vector<std::string> testdataFlags();
/// Args, then "--" and testdataFlags(): a run without a database.
std::vector<std::string> withFlags(std::vector<std::string> Args);

} // namespace fgtest

#endif
