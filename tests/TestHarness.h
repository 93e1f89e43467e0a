//===- TestHarness.h - Runs the real CLI and reads testdata expectations -===//
//
// Testdata files carry their expectations clang-tidy style, on the line after
// the code they describe:
//   // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: <message part> [rule]
//   // CHECK-NOTES:    :[[@LINE-1]]:3: note: <message part>
//   // CHECK-FIXES:    <the whole line above, after --fix>
// The harness runs the built factoryguard binary on the file, parses its
// clang-style text output and compares both ways, as clang-tidy's
// check_clang_tidy.py does: every expectation found, nothing unexpected
// reported in that file, warnings and notes alike (fix-it notes excepted:
// CHECK-FIXES checks those). A CHECK-FIXES line belongs to the nearest code
// line above it (not a CHECK comment) and must equal that line of the fixed
// file, leading and trailing blanks aside; a line the fix changed without a
// CHECK-FIXES fails as well.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_TESTHARNESS_H
#define FACTORYGUARD_TESTHARNESS_H

#include <gtest/gtest.h>

#include <string>
#include <utility>
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
  /// For a note: the rule of the warning it follows ("" before any).
  std::string ParentRule;
};

/// The names of testdata/rules/*.cpp, sorted: one test instance each.
std::vector<std::string> rulesTestdataFiles();
/// "factoryguard-null-context.cpp" -> "factoryguard_null_context".
std::string testdataTestName(const ::testing::TestParamInfo<std::string> &Info);

/// Expectations of one testdata file, CHECK-MESSAGES and CHECK-NOTES
/// together. File is recorded as given. A `// CHECK-MESSAGES:` or
/// `// CHECK-NOTES:` line that does not parse fails the calling test: a typo
/// must not drop an expectation silently.
std::vector<Diag> readExpectations(const std::string &File);
/// Every `file:line:col: level: message [rule]` line of the text output;
/// notes have no rule but the ParentRule of the warning they follow.
std::vector<Diag> parseTextOutput(const std::string &Out);
/// Compares expectations with what was reported for files whose name ends
/// with FileSuffix, both ways and at every level: an expectation matches a
/// diagnostic at its line and column, of its level and rule, whose message
/// contains the expected text. Notes that print a fix-it ("fix-it: ...")
/// are left to CHECK-FIXES.
::testing::AssertionResult matches(const std::vector<Diag> &Expected,
                                   const std::vector<Diag> &Reported,
                                   const std::string &FileSuffix);

/// Whether a testdata file has CHECK-FIXES lines.
bool hasFixExpectations(const std::string &File);
/// Checks the CHECK-FIXES of Original (a testdata file's text) against Fixed
/// (the same file after --fix), anchored to their lines; see the top.
::testing::AssertionResult fixesMatch(const std::string &Original,
                                      const std::string &Fixed);

std::string readFile(const std::string &Path);
void writeFile(const std::string &Path, const std::string &Text);
/// A fresh temporary directory, removed when the test program ends with
/// every test passed (kept when one failed, or with FG_KEEP_TEMP set).
std::string makeTempDir(const std::string &Name);
/// Copies a file or directory tree.
void copyTree(const std::string &From, const std::string &To);

/// The standard flags for testdata: C++17 and testdata/include.
std::vector<std::string> testdataFlags();
/// Args, then "--" and testdataFlags(): a run without a database.
std::vector<std::string> withFlags(std::vector<std::string> Args);

/// Dir/build/compile_commands.json listing Units (paths relative to Dir),
/// each compiled by clang++-19 with testdataFlags() in Dir.
void writeTestdataDatabase(const std::string &Dir,
                           const std::vector<std::string> &Units);

/// One entry of a compile_commands.json: argv, compiler first.
struct DatabaseEntry {
  std::string Directory, File;
  std::vector<std::string> Arguments;
};
/// The text of a compile_commands.json listing Entries in order, one per
/// line, as {"directory", "file", "arguments"}.
std::string compileDatabase(const std::vector<DatabaseEntry> &Entries);
/// S as a JSON string literal (quotes and backslashes escaped).
std::string jsonQuoted(const std::string &S);

// Projects: every test that needs a project on disk makes it here.

/// A copy of testdata/<From> at <temp>/fg-<Name>-<unique>/<From> with
/// build/compile_commands.json listing Units (writeTestdataDatabase);
/// returns the copy's directory.
std::string makeProject(const std::string &From,
                        const std::vector<std::string> &Units,
                        const std::string &Name);
/// A copy of testdata/example configured by CMake into its build/, as
/// ci/example.sh (the README's first command) does. Extra files (path
/// relative to the project, text) are written first and added to its
/// executable.
std::string
makeExample(const std::string &Name,
            const std::vector<std::pair<std::string, std::string>> &Extra = {});

/// The numbers of the `factoryguard: cache ...` line --cache-stats prints;
/// a test failure when a run printed none.
struct CacheStats {
  unsigned Hits = 0, Misses = 0, Entries = 0;
};
CacheStats cacheStats(const RunResult &R);

} // namespace fgtest

#endif
