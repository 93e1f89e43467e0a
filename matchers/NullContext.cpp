//===- NullContext.cpp - factoryguard-null-context -----------------------===//
#include "NullContext.h"

#include "Arguments.h"
#include "Rules.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/FormatVariadic.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

namespace {

/// `{}` (or `T{}`) creating a blank context object for a by-value or
/// by-reference context parameter: an absent context in disguise.
bool isEmptyContextObject(const Expr *E, Model &M) {
  E = E->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
    E = MT->getSubExpr()->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
    // An aggregate's semantic form lists its implicit member initializers;
    // what was written is the syntactic form.
    const InitListExpr *Written =
        ILE->getSyntacticForm() ? ILE->getSyntacticForm() : ILE;
    if (!M.refersToContext(ILE->getType()))
      return false;
    for (const Expr *Init : Written->inits()) {
      Init = Init->IgnoreImplicit();
      const auto *CE = dyn_cast<CXXConstructExpr>(Init);
      bool Implicit = isa<ImplicitValueInitExpr>(Init) ||
                      isa<CXXDefaultInitExpr>(Init) ||
                      (CE && CE->getNumArgs() == 0);
      if (!Implicit)
        return false;
    }
    return true;
  }
  const auto *CE = dyn_cast<CXXConstructExpr>(E);
  return CE && CE->getNumArgs() == 0 && CE->isListInitialization() &&
         M.isContextRecord(CE->getConstructor()->getParent());
}

std::string joinNames(const std::vector<ContextValue> &Values) {
  std::string Out;
  for (const ContextValue &V : Values) {
    if (!Out.empty())
      Out += ", ";
    Out += quoted(V.Name);
  }
  return Out;
}

/// The factory call's context argument, and what a fix-it needs around it.
struct ContextArgument {
  llvm::ArrayRef<const Expr *> Args; // as written, the object first for an
                                     // operator method
  unsigned ArgIndex = 0, ParamIndex = 0;
  const ParmVarDecl *Param = nullptr;
  const Expr *Arg = nullptr;
  SourceLocation RParen; // where a missing argument is inserted
};

/// Locates the argument passed to FC's context parameter; none when the
/// call passes fewer arguments than the declaration has (a variadic or a
/// broken redeclaration).
std::optional<ContextArgument> contextArgumentOf(const FactoryCall &FC) {
  ContextArgument A;
  A.ParamIndex = *FC.Info.ContextParam;
  A.ArgIndex = A.ParamIndex;
  if (const auto *CE = dyn_cast<CallExpr>(FC.Call)) {
    A.Args = llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs());
    A.RParen = CE->getRParenLoc();
    if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(FC.Callee))
      ++A.ArgIndex; // the object is argument 0
  } else {
    const auto *Construct = cast<CXXConstructExpr>(FC.Call);
    A.Args = llvm::ArrayRef<const Expr *>(Construct->getArgs(),
                                          Construct->getNumArgs());
    A.RParen = Construct->getParenOrBraceRange().getEnd();
  }
  if (A.ArgIndex >= A.Args.size() || A.ParamIndex >= FC.Callee->getNumParams())
    return std::nullopt;
  A.Param = FC.Callee->getParamDecl(A.ParamIndex);
  A.Arg = A.Args[A.ArgIndex];
  return A;
}

/// How the call passes no context: the parameter's null default, a null
/// (or blank context object) written as the argument, or a local still
/// holding its null initializer. Text is the default, the argument, or the
/// local's initializer, as the message quotes it.
struct Absence {
  enum KindT { Defaulted, Written, StillNullLocal } Kind;
  std::string Text;
  const VarDecl *Local = nullptr; // StillNullLocal
};

/// Step 1, classify: the absence A's argument stands for, if any.
std::optional<Absence> classify(TUState &S, const FactoryCall &FC,
                                const ContextArgument &A) {
  std::optional<NullArgument> Null = nullArgument(S, FC.Call, A.Arg, A.Param);
  if (Null && Null->Kind == NullArgument::Defaulted)
    return Absence{Absence::Defaulted, Null->Text};
  if ((Null && Null->Kind == NullArgument::Written) ||
      isEmptyContextObject(A.Arg, S.model()))
    return Absence{Absence::Written, clippedSourceText(A.Arg, S.astContext())};
  if (Null)
    return Absence{Absence::StillNullLocal, Null->Text, Null->Local};
  return std::nullopt;
}

/// The parameter as a message names it: 'ctx', or #2 when it has no name.
std::string parameterName(const ContextArgument &A) {
  return A.Param->getIdentifier() ? quoted(A.Param)
                                  : "#" + std::to_string(A.ParamIndex + 1);
}

/// Step 2, the message: where the finding is, what it says, and the note
/// on the still-null local's declaration.
void describe(TUState &S, const FactoryCall &FC, const ContextArgument &A,
              const Absence &Why, Finding &F) {
  std::string Factory = factoryName(FC.Callee);
  std::string Param = parameterName(A);
  switch (Why.Kind) {
  case Absence::Defaulted:
    F.Where = S.locations().fromLoc(A.RParen);
    F.Message = llvm::formatv("{0} called without a context: parameter {1} "
                              "defaults to {2}",
                              Factory, Param, quoted(Why.Text));
    return;
  case Absence::Written:
    F.Where = S.locations().fromRange(A.Arg->getSourceRange());
    F.Message = llvm::formatv("{0} called with a null context: {1} passed "
                              "as {2}",
                              Factory, quoted(Why.Text), Param);
    return;
  case Absence::StillNullLocal:
    F.Where = S.locations().fromRange(A.Arg->getSourceRange());
    F.Message = llvm::formatv("{0} called with a null context: {1} is still "
                              "null (initialized to {2} and not assigned "
                              "since)",
                              Factory, quoted(Why.Local), quoted(Why.Text));
    F.Notes.push_back({S.locations().fromLoc(Why.Local->getLocation()),
                       quoted(Why.Local) + " is declared null here"});
    return;
  }
}

/// The fix-it's range and text: the argument replaced, or the missing
/// argument inserted before the closing parenthesis (only when every
/// argument before it is written out, or it would land in the wrong
/// parameter). No range when the argument is inside a macro's body.
FixIt fixFor(TUState &S, const ContextArgument &A, const Absence &Why,
             const std::string &Text) {
  const ASTContext &Ctx = S.astContext();
  const SourceManager &SM = Ctx.getSourceManager();
  FixIt Fix;
  if (Why.Kind != Absence::Defaulted) {
    // A file range exists when the argument is written in the file, or is
    // one whole macro expansion (NULL); not inside a macro's body.
    CharSourceRange Range = Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(A.Arg->getSourceRange()), SM,
        Ctx.getLangOpts());
    if (Range.isValid()) {
      Fix.Where = S.locations().fromCharRange(Range);
      Fix.Replacement = Text;
    }
    return Fix;
  }
  if (!A.RParen.isFileID())
    return Fix;
  for (unsigned I = 0; I < A.ArgIndex; ++I)
    if (isa<CXXDefaultArgExpr>(A.Args[I]))
      return Fix;
  Fix.Where = S.locations().fromCharRange(
      CharSourceRange::getCharRange(A.RParen, A.RParen));
  Fix.Replacement = (A.ArgIndex > 0 ? ", " : "") + Text;
  return Fix;
}

/// Step 3, the fix-it: the one context in scope that can be passed, or a
/// note saying why none is offered.
void offerContext(TUState &S, const FactoryCall &FC, const ContextArgument &A,
                  const Absence &Why, Finding &F) {
  Model &M = S.model();
  ContextScope Scope =
      M.contextInScope(M.enclosingOf(FC.Call), FC.Call->getBeginLoc());
  std::vector<ContextValue> Usable;
  for (const ContextValue &V : Scope.Values)
    if (!contextArgumentFor(V, A.Param->getType()).empty())
      Usable.push_back(V);
  std::string Type = M.contextTypeNameFor(FC.Callee, A.ParamIndex);
  if (Usable.size() == 1) {
    std::string Text = contextArgumentFor(Usable.front(), A.Param->getType());
    FixIt Fix = fixFor(S, A, Why, Text);
    if (!Fix.Where.valid())
      return;
    static const char *const Kinds[] = {"parameter", "captured variable",
                                        "member", "local variable"};
    F.Notes.push_back(
        {Fix.Where,
         llvm::formatv("pass the {0} {1}: {2}", Kinds[Usable.front().Kind],
                       quoted(Usable.front().Name), quoted(Text))});
    F.Fixes.push_back(std::move(Fix));
  } else if (Usable.empty() && Scope.Valueless) {
    F.Notes.push_back({F.Where, "the request's " + Type +
                                    " is in scope without a name a fix-it "
                                    "can use (an unnamed parameter, '*this', "
                                    "or a private member of a base); pass "
                                    "it here"});
  } else if (Usable.empty()) {
    F.Notes.push_back({F.Where, "no " + Type +
                                    " is in scope here; pass the request's "
                                    "context down to this function"});
  } else {
    F.Notes.push_back({F.Where, "several contexts are in scope (" +
                                    joinNames(Usable) +
                                    "); choose one, no fix-it is offered"});
  }
}

/// Step 4, the key: the function the call is in, the factory, and the
/// absence (baselines hash it: it names no line).
std::string keyOf(TUState &S, const FactoryCall &FC, const Absence &Why) {
  Enclosing Where = S.model().enclosingOf(FC.Call);
  std::string Owner = Where.Kind == Enclosing::Function && Where.Fn
                          ? qualifiedName(Where.Fn)
                          : "";
  std::string Part;
  switch (Why.Kind) {
  case Absence::Defaulted:
    Part = "defaulted";
    break;
  case Absence::Written:
    Part = Why.Text;
    break;
  case Absence::StillNullLocal:
    Part = "local:" + Why.Local->getNameAsString();
    break;
  }
  return makeStableKey(NullContextId, {Owner, qualifiedName(FC.Callee), Part});
}

} // namespace

void NullContextRule::registerMatchers(MatchFinder &F) {
  registerCallMatchers(F, this, S);
}

void NullContextRule::run(const MatchFinder::MatchResult &R) {
  auto FC = matchedFactoryCall(S, R);
  if (!FC || !FC->Info.ContextParam)
    return;
  std::optional<ContextArgument> A = contextArgumentOf(*FC);
  if (!A)
    return;
  std::optional<Absence> Why = classify(S, *FC, *A);
  if (!Why)
    return;
  Finding F;
  F.RuleId = NullContextId;
  describe(S, *FC, *A, *Why, F);
  offerContext(S, *FC, *A, *Why, F);
  F.StableKey = keyOf(S, *FC, *Why);
  S.report(std::move(F));
}

} // namespace factoryguard
