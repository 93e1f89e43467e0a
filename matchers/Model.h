//===- Model.h - The shared facts every rule asks about ------------------===//
//
// One place for each question of SPEC §1: is this a context type, a manager
// type, a factory (and which parameter is its context), does this type hold
// a manager (and through which members), what encloses this expression
// (a function, a static initializer), and which context values are in scope
// there. Answers about types and declarations are cached per Model, which
// lives for one translation unit.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_MODEL_H
#define FACTORYGUARD_MODEL_H

#include "Config.h"
#include "Finding.h"
#include "UserCode.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/FileManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>
#include <vector>

namespace factoryguard {

struct ConfigMatchRecord;

/// A factory as messages name it, quoted: its short name when that says
/// which function it is ('get_websocket_manager'), qualified as a
/// configuration names it when the short name is a generic word that names
/// nothing on its own ('Poco::SSLManager::instance',
/// 'app::Queue::defaultQueue').
std::string factoryName(const clang::FunctionDecl *F);

/// True when D or any redeclaration carries
/// [[clang::annotate("factoryguard::<Kind>")]].
bool hasAnnotation(const clang::Decl *D, llvm::StringRef Kind);

/// "a UserExecutionContext", "an Options", "an HTTPRequest": the indefinite
/// article English uses before a type name, by its sound.
std::string withArticle(llvm::StringRef Noun);

/// The callee of a call or construction expression (nullptr when none).
const clang::FunctionDecl *calleeOf(const clang::Expr *E);

/// Where an expression is evaluated.
struct Enclosing {
  enum KindT { None, Function, StaticInit, FieldInit } Kind = None;
  const clang::FunctionDecl *Fn = nullptr;    // Function (lambda: operator())
  const clang::LambdaExpr *Lambda = nullptr;  // when Fn is a lambda
  const clang::VarDecl *Var = nullptr;        // StaticInit: the variable
  const clang::FieldDecl *Field = nullptr;    // FieldInit: the member
};

/// A context value that code at some point may use.
struct ContextValue {
  enum KindT { Parameter, Capture, Member, Local } Kind = Parameter;
  std::string Name;        // "ctx", "ctx_"
  clang::QualType Type;    // its declared type
  const clang::ValueDecl *Decl = nullptr;
};

struct ContextScope {
  bool HasContext = false;      // SPEC §1 "context in scope"
  bool ByRequestEntry = false;  // configured/annotated request entry
  /// A context that no fix-it can name: an unnamed parameter, `*this` of a
  /// context class, a private member of a base class.
  bool Valueless = false;
  std::vector<ContextValue> Values; // candidates for a fix-it
};

class Model {
public:
  Model(const Config &Cfg, clang::ASTContext &Ctx);

  const Config &config() const { return Cfg; }
  clang::ASTContext &astContext() const { return Ctx; }
  /// Configured-name lookups (and their matches) are reported to R
  /// (ConfigCheck.h); nullptr, the default, records nothing.
  void setRecorder(ConfigMatchRecord *R) { Recorder = R; }

  bool isContextRecord(const clang::CXXRecordDecl *RD);
  /// The manager class RD is or derives from; nullptr when none.
  const clang::CXXRecordDecl *managerBase(const clang::CXXRecordDecl *RD);

  /// Value, reference, pointer, unique_ptr/shared_ptr/optional of a context.
  bool refersToContext(clang::QualType T);

  struct Holding {
    const clang::CXXRecordDecl *Manager = nullptr; // the manager class held
    std::string Path; // "AgentService::emitter_ -> Emitter::ws_manager_"
  };
  /// SPEC §2 static-singleton "holds": none when T holds no manager.
  std::optional<Holding> holdsManager(clang::QualType T);
  /// SPEC §2 fabricated-context, case 2: T keeps a context object itself
  /// (by value, owning smart pointer, optional, container, holder, member);
  /// Holding::Manager is then the context class. A pointer, reference,
  /// std::weak_ptr or std::reference_wrapper only finds one: none.
  std::optional<Holding> holdsContextObject(clang::QualType T);

  struct FactoryInfo {
    std::optional<unsigned> ContextParam; // none: no context parameter found
  };
  /// Configured (by name, or an override of a configured virtual method) or
  /// annotated factory.
  std::optional<FactoryInfo> factoryInfo(const clang::FunctionDecl *FD);

  /// A non-static method of a context class: its object is a context.
  bool isMethodOfContextClass(const clang::FunctionDecl *FD);
  /// Another function of FD's name in FD's scope has a context parameter.
  bool hasOverloadTakingContext(const clang::FunctionDecl *FD);

  /// SPEC §2 unconfigured-factory: MD sets up its class (a `setup` method
  /// of a factory-setup entry that names its class, or annotated setup).
  bool isSetupMethod(const clang::CXXMethodDecl *MD);
  /// Argument I of the setup method MD must not be null (`required-args`,
  /// or a parameter annotated required).
  bool isRequiredSetupArg(const clang::CXXMethodDecl *MD, unsigned I);
  /// The names of the setup methods of RD and its bases, sorted ("configure");
  /// empty when RD is not a factory class.
  std::vector<std::string> setupMethodNames(const clang::CXXRecordDecl *RD);

  bool isStartup(const clang::FunctionDecl *FD);
  bool isRequestEntry(const clang::FunctionDecl *FD);
  /// SPEC §1 "context source": FD (or, for a lambda, the function it is
  /// written in) is configured (`context-sources`) or annotated, or is a
  /// GoogleTest test body or a Catch2 test case.
  bool isContextSource(const clang::FunctionDecl *FD);

  /// What encloses E (walks the parent map): the first of enclosingsOf.
  Enclosing enclosingOf(const clang::Stmt *E);
  /// Everything that encloses E: a statement that template instantiation
  /// left unchanged is shared by the pattern and each instantiation, and is
  /// enclosed by each instantiation (the pattern only when none exists).
  llvm::SmallVector<Enclosing, 2> enclosingsOf(const clang::Stmt *E);
  /// Whether code enclosed by Where is a template pattern, decided in its
  /// instantiations instead. The one exception is the call operator of a
  /// generic lambda that no instantiation with a body holds: it is decided
  /// on its pattern, since a lambda that only a system-header template
  /// calls (std::function, kept by a framework) is instantiated with
  /// --full-parse but not when that template's body is skipped, and both
  /// must give one answer (SPEC §7).
  bool isPattern(const Enclosing &Where);
  bool isPattern(const clang::FunctionDecl *Fn);

  /// SPEC §1 "context in scope" for the function (or static initializer)
  /// enclosing a point; locals count only when declared before Before.
  ContextScope contextInScope(const Enclosing &Where, clang::SourceLocation Before);
  /// Whether a function has a context in scope anywhere in its body (locals
  /// declared anywhere count).
  bool functionHasContext(const clang::FunctionDecl *FD);
  /// SPEC §1: the function defining LE is in request scope at LE, as far as
  /// this unit can tell (a context in scope there, a factory, or a lambda
  /// itself defined so); inference over the call graph may add more.
  bool lambdaDefinedInRequestScope(const clang::LambdaExpr *LE);

  /// The printable name of the first context type configured or seen; used
  /// in messages ("UserExecutionContext").
  std::string contextTypeName();
  /// The class name of a factory's own context parameter
  /// ("ReadOptions"); contextTypeName() when it has none.
  std::string contextTypeNameFor(const clang::FunctionDecl *Factory,
                                 std::optional<unsigned> Param);

private:
  bool nameMatchesAnyRedecl(const clang::FunctionDecl *FD, const NameList &L,
                            llvm::StringRef Annotation);
  std::optional<Holding> holdsManagerImpl(clang::QualType T, unsigned Depth);
  std::optional<Holding> holdsContextImpl(clang::QualType T, unsigned Depth);
  /// The template arguments of RD when it is a specialization of a holder
  /// template (built in or under `holders`); nullptr otherwise.
  const clang::TemplateArgumentList *
  holderTemplateArgs(const clang::CXXRecordDecl *RD);
  const std::vector<const clang::VarDecl *> &
  localsOf(const clang::FunctionDecl *FD);
  void addMembers(const clang::CXXRecordDecl *RD, bool Inherited,
                  ContextScope &Scope, unsigned Depth);
  bool isNullInitialized(const clang::VarDecl *VD);
  /// The LambdaExpr whose call operator CallOp is (nullptr when unknown).
  const clang::LambdaExpr *lambdaOf(const clang::CXXMethodDecl *CallOp);

  const Config &Cfg;
  clang::ASTContext &Ctx;
  ConfigMatchRecord *Recorder = nullptr;
  llvm::DenseMap<const clang::CXXRecordDecl *, bool> ContextCache;
  llvm::DenseMap<const clang::CXXRecordDecl *, const clang::CXXRecordDecl *>
      ManagerCache;
  /// By (canonical type, member depth): a type's answer depends on how
  /// deep it sits.
  llvm::DenseMap<std::pair<const clang::Type *, unsigned>,
                 std::optional<Holding>>
      HoldCache;
  llvm::DenseMap<std::pair<const clang::Type *, unsigned>,
                 std::optional<Holding>>
      ContextHoldCache;
  llvm::DenseMap<const clang::FunctionDecl *, std::optional<FactoryInfo>>
      FactoryCache;
  llvm::DenseMap<const clang::FunctionDecl *, bool> HasContextCache;
  llvm::DenseMap<const clang::CXXRecordDecl *, std::vector<std::string>>
      SetupNamesCache;
  llvm::DenseMap<const clang::FunctionDecl *,
                 std::vector<const clang::VarDecl *>>
      LocalsCache;
  std::string ContextName;
};

/// The function that hands out VD, a variable with static storage duration
/// (returns a reference or pointer to it, or to the object it holds): a
/// function-local static's own function, or for a variable at namespace
/// scope or a static member, the first function of its file that does;
/// nullptr when none (static-singleton's and fabricated-context's
/// "accessor").
const clang::FunctionDecl *singletonAccessor(const clang::VarDecl *VD);

/// Is E (ignoring parens, casts) a null value for a context parameter:
/// nullptr, NULL, 0, __null, {}, std::nullopt, a default-constructed
/// unique_ptr/shared_ptr/optional.
bool isNullContextExpr(const clang::Expr *E);

/// Converts clang locations into Finding ranges (absolute file paths,
/// 1-based byte columns, exclusive end) at the expansion site of macros.
class LocationMapper {
public:
  LocationMapper(const clang::SourceManager &SM, const clang::LangOptions &LO)
      : SM(SM), LO(LO) {}
  SourceRange fromRange(clang::SourceRange R);
  SourceRange fromLoc(clang::SourceLocation L);
  /// A character range (already file locations), e.g. for fix-its.
  SourceRange fromCharRange(clang::CharSourceRange R);
  std::string filePath(clang::FileID FID);
  /// xxh3_64bits of the content of a file this mapper produced a path for
  /// (by filePath or the ranges), as the SourceManager holds it; nullopt for
  /// a path it has not seen.
  std::optional<uint64_t> contentHash(llvm::StringRef Path);

private:
  const clang::SourceManager &SM;
  const clang::LangOptions &LO;
  llvm::DenseMap<unsigned, std::string> PathCache; // FileID hash -> path
  llvm::StringMap<clang::FileID> FileOfPath;       // path -> FileID
  llvm::DenseMap<unsigned, uint64_t> HashCache;    // FileID hash -> hash
};


} // namespace factoryguard

#endif
