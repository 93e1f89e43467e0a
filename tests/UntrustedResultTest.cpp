//===- UntrustedResultTest.cpp - The check of shards and cache entries ---===//
//
// UntrustedResultChecker (tool/UntrustedResult.h) driven directly, on real
// files: what a cache entry (no source root) and a shard (the source root)
// may say about where a unit's findings, notes, fix-its, chain steps and
// call-graph facts lie. The CLI tests (UntrustedInputTest.cpp) go through
// `merge` and the cache; these hold whatever check runs before this one
// (an entry's integrity) would already refuse.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "UnconfiguredFactory.h"
#include "UntrustedResult.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <gtest/gtest.h>

using namespace fgtest;

namespace {

class CheckUntrusted : public ::testing::Test {
protected:
  void SetUp() override {
    Root = makeTempDir("untrusted-check");
    Main = Root + "/a.cpp";
    writeFile(Main, "int x;\nint  yy = 1;\n");
    Read[Main] = llvm::xxh3_64bits(readFile(Main));
    F.RuleId = "factoryguard-null-context";
    F.Where = {Main, 2, 6, 2, 8, 12, 2};
  }

  /// The error of checking F (and Facts) against Read, "" when accepted.
  std::string check(const std::string &SourceRoot) {
    factoryguard::UntrustedResultChecker C(SourceRoot, nullptr);
    llvm::Error E = C.check({F}, Facts, {}, Read);
    return E ? llvm::toString(std::move(E)) : "";
  }

  std::string Root, Main;
  factoryguard::FileHashes Read;
  factoryguard::Finding F;
  factoryguard::TUFacts Facts;
};

TEST_F(CheckUntrusted, AnHonestResultIsAccepted) {
  EXPECT_EQ(check(""), "");
  EXPECT_EQ(check(Root), "");
  F.Where = {Main, 2, 13, 0, 0, 19, 0}; // the end of the last line, a point
  EXPECT_EQ(check(Root), "");
  F.Where = {Main, 3, 1, 3, 1, 20, 0}; // the empty line after the last
  EXPECT_EQ(check(Root), "");
}

TEST_F(CheckUntrusted, FilesOutsideTheUnitOrTheRoot) {
  F.Where.File = "/etc/passwd";
  EXPECT_NE(check(""), "");
  // Even when the entry claims the unit read it, with the wrong content.
  Read["/etc/passwd"] = 0;
  EXPECT_NE(check("").find("differs from the one its unit read"),
            std::string::npos);
  // With the right content it is a file the unit read: a cache entry may
  // say so, a shard (findings under the source root) may not.
  Read["/etc/passwd"] = llvm::xxh3_64bits(readFile("/etc/passwd"));
  F.Where = {"/etc/passwd", 1, 1, 1, 2, 0, 1};
  EXPECT_EQ(check(""), "");
  EXPECT_NE(check(Root).find("outside the source root"), std::string::npos);
  F.Where.File = Root + "/../" + llvm::sys::path::filename(Root).str() +
                 "/a.cpp"; // not normalized
  EXPECT_NE(check(""), "");
  F.Where.File = "a.cpp"; // not absolute
  EXPECT_NE(check(""), "");
}

TEST_F(CheckUntrusted, PositionsOutsideTheFile) {
  auto Bad = [&](factoryguard::SourceRange R) {
    F.Where = R;
    return check("").find("position") != std::string::npos;
  };
  EXPECT_TRUE(Bad({Main, 2, 4294967295u, 2, 4294967295u, 12, 0}));
  EXPECT_TRUE(Bad({Main, 2, 6, 1, 1, 12, 0}));  // end before start
  EXPECT_TRUE(Bad({Main, 2, 6, 2, 5, 12, 0}));  // end before start
  EXPECT_TRUE(Bad({Main, 1, 8, 1, 9, 7, 1}));   // past the line's end
  EXPECT_TRUE(Bad({Main, 4, 1, 4, 1, 20, 0}));  // past the end of the file
  EXPECT_TRUE(Bad({Main, 0, 1, 1, 1, 0, 0}));   // line 0
  EXPECT_TRUE(Bad({Main, 1, 0, 1, 1, 0, 0}));   // column 0
  EXPECT_TRUE(Bad({Main, 2, 6, 2, 8, 11, 2}));  // offset not at line:col
  EXPECT_TRUE(Bad({Main, 2, 6, 2, 8, 12, 99})); // length past the end
}

TEST_F(CheckUntrusted, NotesFixItsChainStepsAndFacts) {
  factoryguard::SourceRange Outside{"/etc/passwd", 1, 1, 1, 2, 0, 1};
  F.Notes.push_back({Outside, "crafted"});
  EXPECT_NE(check(""), "");
  F.Notes.clear();
  F.Fixes.push_back({Outside, "owned", std::nullopt});
  EXPECT_NE(check(""), "");
  F.Fixes.clear();
  F.Chain.push_back({Outside, "crafted"});
  EXPECT_NE(check(""), "");
  F.Chain.clear();
  factoryguard::GraphEdge E;
  E.Site = Outside;
  Facts.Edges.push_back(E);
  EXPECT_NE(check(""), "");
  Facts.Edges.clear();
  factoryguard::FactoryObjectUse U;
  U.Where = Outside;
  auto &Uses = Facts.Rules
                   .get<factoryguard::UnconfiguredFactoryFacts>(
                       factoryguard::UnconfiguredFactoryId)
                   .Uses;
  Uses.push_back(U);
  EXPECT_NE(check(""), "");
  Uses.clear();
  EXPECT_EQ(check(""), "");
}

} // namespace
