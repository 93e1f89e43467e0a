//===- SarifValidate.h - Run the real SARIF validators from a test --------===//
//
// Header-only helper for tests that produce SARIF (the reporter's unit test,
// and tests of real CLI runs). It runs the two validators ci/install.sh puts
// under ci/.tools/node_modules:
//
//  - the SARIF multitool, `Sarif.Multitool validate <file> --rule-kind
//    "Sarif;Ghas" --level "Error;Warning;Note" --output <log>`, spawned
//    directly (no shell splits "Sarif;Ghas"). It exits 0 whatever it finds,
//    so its output log is read: every result at level error or warning (a
//    result without a level is a warning) is a problem. It also reports
//    nothing at all for a file it cannot deserialize, so the notes are asked
//    for too, and the log must contain at least one result about the file:
//    proof that it was loaded and analyzed. (Version 5.7.0 writes neither
//    artifacts nor anything else per input file in the log.)
//  - ajv-cli against the SARIF 2.1.0 JSON schema (draft 2020-12) that the
//    multitool package ships, with ajv-formats.
//
//   std::vector<std::string> Problems =
//       factoryguard::test::validateSarifFile(Path);
//   EXPECT_TRUE(Problems.empty()) << factoryguard::test::join(Problems);
//
// When the tools are not installed the result is one problem saying so
// (run ci/install.sh); set FACTORYGUARD_SKIP_SARIF_VALIDATORS=1 to have
// sarifValidatorsSkipped() return true instead, for a GTEST_SKIP.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_TESTS_SARIFVALIDATE_H
#define FACTORYGUARD_TESTS_SARIFVALIDATE_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

extern char **environ;

#ifndef FG_SOURCE_DIR
#error "FG_SOURCE_DIR must be defined (tests/CMakeLists.txt does)"
#endif

namespace factoryguard {
namespace test {

inline std::string join(const std::vector<std::string> &Lines) {
  std::string Out;
  for (const std::string &Line : Lines)
    Out += Line + "\n";
  return Out;
}

inline std::string sarifToolsDir() {
  return FG_SOURCE_DIR "/ci/.tools/node_modules";
}

inline std::string multitoolPath() {
  return sarifToolsDir() + "/@microsoft/sarif-multitool-linux/Sarif.Multitool";
}

inline std::string ajvCliPath() {
  return sarifToolsDir() + "/ajv-cli/dist/index.js";
}

/// The SARIF 2.1.0 schema the multitool package ships ("" if none found).
inline std::string sarifSchemaPath() {
  std::string Known =
      sarifToolsDir() + "/@microsoft/sarif-multitool-linux/sarif-2.1.0.json";
  if (llvm::sys::fs::exists(Known))
    return Known;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator
           It(sarifToolsDir() + "/@microsoft", EC),
       End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (Name.starts_with("sarif-2.1.0") && Name.ends_with(".json"))
      return It->path();
  }
  return "";
}

inline bool sarifValidatorsSkipped() {
  const char *Skip = std::getenv("FACTORYGUARD_SKIP_SARIF_VALIDATORS");
  return Skip && llvm::StringRef(Skip) == "1";
}

/// Runs Argv (Argv[0] is looked up in PATH when it has no '/') with stdin
/// from /dev/null and stdout+stderr into OutputPath. Returns the exit code,
/// 128 + signal when killed, -1 when it could not be started.
inline int runProgram(const std::vector<std::string> &Argv,
                      const std::string &OutputPath) {
  posix_spawn_file_actions_t Actions;
  posix_spawn_file_actions_init(&Actions);
  posix_spawn_file_actions_addopen(&Actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&Actions, 1, OutputPath.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&Actions, 1, 2);
  std::vector<char *> Args;
  for (const std::string &Arg : Argv)
    Args.push_back(const_cast<char *>(Arg.c_str()));
  Args.push_back(nullptr);
  pid_t Pid = 0;
  int Rc = posix_spawnp(&Pid, Args[0], &Actions, nullptr, Args.data(), environ);
  posix_spawn_file_actions_destroy(&Actions);
  if (Rc != 0)
    return -1;
  int Status = 0;
  while (waitpid(Pid, &Status, 0) < 0) {
    if (errno != EINTR)
      return -1;
  }
  if (WIFEXITED(Status))
    return WEXITSTATUS(Status);
  if (WIFSIGNALED(Status))
    return 128 + WTERMSIG(Status);
  return -1;
}

inline std::string readText(const std::string &Path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buffer =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/true,
                                  /*RequiresNullTerminator=*/false);
  return Buffer ? (*Buffer)->getBuffer().str() : std::string();
}

/// A private temporary directory, removed with everything in it when the
/// object goes away.
class TempDir {
public:
  TempDir() {
    llvm::SmallString<128> Dir;
    if (!llvm::sys::fs::createUniqueDirectory("fg-sarif-validate", Dir))
      Path = std::string(Dir);
  }
  ~TempDir() {
    if (!Path.empty())
      llvm::sys::fs::remove_directories(Path);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  std::string file(llvm::StringRef Name) const {
    return Path + "/" + Name.str();
  }
  std::string Path;
};

/// Multitool problems: error/warning results, or why the run proves nothing.
inline std::vector<std::string>
multitoolProblems(const std::string &SarifPath) {
  std::vector<std::string> Problems;
  std::string Tool = multitoolPath();
  if (!llvm::sys::fs::can_execute(Tool))
    return {"SARIF multitool not found at " + Tool + " (run ci/install.sh)"};
  TempDir Work;
  std::string Log = Work.file("multitool.log.sarif");
  std::string Console = Work.file("console.txt");
  // The input file comes right after "validate": list-valued options
  // ("--rule-kind", "--level") would otherwise swallow it.
  int Rc = runProgram({Tool, "validate", SarifPath, "--rule-kind", "Sarif;Ghas",
                       "--level", "Error;Warning;Note", "--output", Log},
                      Console);
  if (Rc != 0)
    Problems.push_back("multitool exited with " + std::to_string(Rc) + ": " +
                       readText(Console));
  std::string LogText = readText(Log);
  if (LogText.empty()) {
    Problems.push_back("multitool wrote no log at " + Log + ": " +
                       readText(Console));
    return Problems;
  }
  nlohmann::json Parsed = nlohmann::json::parse(LogText, nullptr, false);
  const nlohmann::json *Run = nullptr;
  if (!Parsed.is_discarded() && Parsed.contains("runs") &&
      Parsed["runs"].is_array() && !Parsed["runs"].empty())
    Run = &Parsed["runs"][0];
  if (!Run || !Run->contains("invocations") || !Run->contains("results") ||
      !(*Run)["results"].is_array()) {
    Problems.push_back("multitool log " + Log +
                       " has no runs[0].invocations/results");
    return Problems;
  }
  std::string FileName = llvm::sys::path::filename(SarifPath).str();
  bool Analyzed = false;
  for (const nlohmann::json &Result : (*Run)["results"]) {
    std::string Level = Result.value("level", "warning");
    std::string Uri;
    if (Result.contains("locations") && Result["locations"].is_array() &&
        !Result["locations"].empty()) {
      const nlohmann::json &Loc = Result["locations"][0];
      if (Loc.contains("physicalLocation") &&
          Loc["physicalLocation"].contains("artifactLocation"))
        Uri = Loc["physicalLocation"]["artifactLocation"].value("uri", "");
    }
    if (llvm::StringRef(Uri).ends_with(FileName))
      Analyzed = true;
    if (Level != "error" && Level != "warning")
      continue;
    std::string Text = Result.value("ruleId", "?") + " (" + Level + ")";
    if (Result.contains("message") && Result["message"].contains("arguments"))
      Text += ": " + Result["message"]["arguments"].dump();
    Problems.push_back(Text);
  }
  if (!Analyzed)
    Problems.push_back("multitool reported nothing about " + SarifPath +
                       ", not even notes: it did not load the file. "
                       "Console: " +
                       readText(Console));
  return Problems;
}

/// JSON-schema problems from ajv-cli against the shipped SARIF schema.
inline std::vector<std::string> schemaProblems(const std::string &SarifPath) {
  std::string Schema = sarifSchemaPath();
  std::string Ajv = ajvCliPath();
  if (Schema.empty() || !llvm::sys::fs::exists(Ajv))
    return {"ajv-cli or the SARIF schema not found under " + sarifToolsDir() +
            " (run ci/install.sh)"};
  // ajv-cli picks its parser by extension and require()s unknown ones, so
  // the data file must end in .json.
  TempDir Work;
  std::string Data = Work.file("data.json");
  if (llvm::sys::fs::copy_file(SarifPath, Data))
    return {"cannot copy " + SarifPath + " to " + Data};
  std::string Console = Work.file("console.txt");
  int Rc =
      runProgram({"node", Ajv, "validate", "--spec=draft2020", "--strict=false",
                  "--all-errors", "--errors=text", "-c",
                  sarifToolsDir() + "/ajv-formats", "-s", Schema, "-d", Data},
                 Console);
  std::string Output = readText(Console);
  std::vector<std::string> Problems;
  if (Rc != 0 || Output.find(" valid") == std::string::npos ||
      Output.find("invalid") != std::string::npos ||
      Output.find("error") != std::string::npos)
    Problems.push_back("ajv (exit " + std::to_string(Rc) + "): " + Output);
  return Problems;
}

/// Every problem both validators find in the SARIF file; empty when valid.
inline std::vector<std::string> validateSarifFile(const std::string &Path) {
  std::vector<std::string> Problems = schemaProblems(Path);
  for (std::string &P : multitoolProblems(Path))
    Problems.push_back(std::move(P));
  return Problems;
}

} // namespace test
} // namespace factoryguard

#endif
