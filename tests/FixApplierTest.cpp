//===- FixApplierTest.cpp - --fix never corrupts a file ------------------===//
#include "FixApplier.h"
#include "TestHarness.h"

#include <unistd.h>

using namespace factoryguard;
using namespace fgtest;

namespace {

Finding withFix(const std::string &File, unsigned Offset, unsigned Length,
                const std::string &Text) {
  Finding F;
  F.RuleId = "factoryguard-null-context";
  F.Where.File = File;
  F.Where.Line = 1;
  F.Where.Column = Offset + 1;
  FixIt X;
  X.Where.File = File;
  X.Where.Line = 1;
  X.Where.Column = Offset + 1;
  X.Where.Offset = Offset;
  X.Where.Length = Length;
  X.Replacement = Text;
  F.Fixes.push_back(X);
  return F;
}

TEST(FixApplier, AppliesNonOverlappingFixesInOneWrite) {
  std::string Dir = makeTempDir("fixapply");
  std::string File = Dir + "/a.cpp";
  writeFile(File, "f(nullptr); g(nullptr);\n");
  std::string Log;
  llvm::raw_string_ostream OS(Log);
  FixSummary S = applyFixes({withFix(File, 2, 7, "&ctx"), withFix(File, 14, 7, "ctx")}, Dir, OS);
  EXPECT_EQ(S.Applied, 2u);
  EXPECT_EQ(S.FilesChanged, 1u);
  EXPECT_EQ(readFile(File), "f(&ctx); g(ctx);\n");
}

TEST(FixApplier, OverlappingFixesAreBothSkippedAndReported) {
  std::string Dir = makeTempDir("fixoverlap");
  std::string File = Dir + "/a.cpp";
  writeFile(File, "f(nullptr); g(nullptr);\n");
  std::string Log;
  llvm::raw_string_ostream OS(Log);
  FixSummary S = applyFixes({withFix(File, 2, 7, "&ctx"), withFix(File, 5, 2, "x"),
                             withFix(File, 14, 7, "ctx")},
                            Dir, OS);
  EXPECT_EQ(S.Skipped, 2u);
  EXPECT_EQ(S.Applied, 1u);
  EXPECT_EQ(readFile(File), "f(nullptr); g(ctx);\n");
  EXPECT_NE(OS.str().find("overlapping"), std::string::npos);
}

TEST(FixApplier, StaleOffsetsLeaveTheFileUntouched) {
  std::string Dir = makeTempDir("fixstale");
  std::string File = Dir + "/a.cpp";
  writeFile(File, "short\n");
  std::string Log;
  llvm::raw_string_ostream OS(Log);
  FixSummary S = applyFixes({withFix(File, 2, 1, "x"), withFix(File, 40, 7, "ctx")}, Dir, OS);
  EXPECT_EQ(S.Applied, 0u);
  EXPECT_EQ(S.FilesRefused, 1u);
  EXPECT_EQ(readFile(File), "short\n");
}

TEST(FixApplier, ContentHashMismatchLeavesTheFileUntouched) {
  std::string Dir = makeTempDir("fixhash");
  std::string File = Dir + "/a.cpp";
  writeFile(File, "f(nullptr);\n");
  Finding F = withFix(File, 2, 7, "&ctx");
  F.Fixes[0].ContentHash = 42; // not the hash of the text above
  std::string Log;
  llvm::raw_string_ostream OS(Log);
  FixSummary S = applyFixes({F}, Dir, OS);
  EXPECT_EQ(S.Applied, 0u);
  EXPECT_EQ(S.FilesRefused, 1u);
  EXPECT_EQ(readFile(File), "f(nullptr);\n");
  EXPECT_NE(Log.find("changed after it was analyzed"), std::string::npos) << Log;
}

TEST(FixApplier, UnwritableDirectoryLeavesTheFileWhole) {
  if (getuid() == 0)
    GTEST_SKIP() << "root can write anywhere";
  std::string Dir = makeTempDir("fixro");
  std::string File = Dir + "/a.cpp";
  writeFile(File, "f(nullptr);\n");
  runProgram("/bin/chmod", {"a-w", Dir});
  std::string Log;
  llvm::raw_string_ostream OS(Log);
  FixSummary S = applyFixes({withFix(File, 2, 7, "&ctx")}, Dir, OS);
  runProgram("/bin/chmod", {"u+w", Dir});
  EXPECT_EQ(S.Applied, 0u);
  EXPECT_EQ(readFile(File), "f(nullptr);\n");
}

TEST(FixApplier, SuppressedFindingsAreNotFixed) {
  std::string Dir = makeTempDir("fixsupp");
  std::string File = Dir + "/a.cpp";
  writeFile(File, "f(nullptr);\n");
  Finding F = withFix(File, 2, 7, "&ctx");
  F.Suppressed = true;
  std::string Log;
  llvm::raw_string_ostream OS(Log);
  applyFixes({F}, Dir, OS);
  EXPECT_EQ(readFile(File), "f(nullptr);\n");
}

} // namespace
