//===- Rules.cpp - The rule catalogue ------------------------------------===//
#include "Rules.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/GlobPattern.h"

namespace factoryguard {

namespace {

const char *RequestScopeHelp = R"md(# factoryguard-request-scope

A request-scoped factory (it creates a manager from a request context such as
`UserExecutionContext`) is called where no request exists:

1. during static initialization: the initializer of a namespace-scope
   variable, a static data member, or a function-local `static` or
   `thread_local` (even inside a request handler: that manager is created
   once, with the first user's context, and shared by every later user);
   or in an `__attribute__((constructor))` function;
2. in a function that is not in request scope: no parameter (named or not),
   lambda capture, member (its own or inherited) or earlier local refers to a
   context type, it is no method of a context class, no factory and no
   configured request entry; and it is not known to run inside a request.
   A lambda is its own function; one defined where a context is in scope is
   a continuation of that request. The whole program is searched for the
   functions that run only inside a request: a function that is no root,
   not virtual, whose address is never taken, and every call of which is
   made in request scope (handler-only helpers, also when they call each
   other) is in request scope. The command line infers this across
   translation units, the clang-tidy plugin within one.

A call in a template is decided in each instantiation, not in the pattern.

When start-up code (a static initializer, `main`, a configured start-up
function) reaches the call through functions without a context, the finding
carries the shortest such call chain, root first (text notes, SARIF
`codeFlows`). The command line builds chains across translation units; the
clang-tidy plugin within one.

## Bad

```cpp
auto g_manager = netra::create_websocket_manager(nullptr); // at start-up

void warm_up() {                       // no context in scope
  auto m = netra::get_websocket_manager();
}
int main() { warm_up(); }
```

## Good

```cpp
void handle(const netra::UserExecutionContext &ctx) {
  auto m = netra::create_websocket_manager(&ctx);    // per request
}
int main() {
  router.on("/ws", [](const netra::UserExecutionContext &ctx) {
    auto m = netra::create_websocket_manager(&ctx);  // runs per request
  });
}
```

## Options

`contexts`, `managers`, `factories` (with `context-param`), `startup`,
`request-entries`, `exclude` and `rules.factoryguard-request-scope.severity`
in `.factoryguard.yaml`; in clang-tidy also the CheckOptions `Contexts`,
`Managers`, `Factories`, `Startup` and `RequestEntries` (`;`-separated).
Suppress one finding with `// NOLINT(factoryguard-request-scope)`.
)md";

const char *StaticSingletonHelp = R"md(# factoryguard-static-singleton

A variable with static or thread storage duration holds a request-scoped
manager: one object is then shared by every user's requests (cross-user data
leakage). Reported at the definition of a namespace-scope variable, a static
data member, a function-local `static` or a `thread_local` whose type holds
a manager: the manager type itself or a class derived from it; a pointer,
reference or array of it; `std::unique_ptr`, `std::shared_ptr`,
`std::weak_ptr`, `std::optional`, `std::reference_wrapper` or any standard
container of one; or a class with a data member that holds one (followed up
to four members deep; the message names the path). A pointer slot
initialized to `nullptr` counts: it is the lazy singleton. A function that
returns such a static is named as a singleton accessor. Each definition is
reported once; `extern` declarations are not reported.

## Bad

```cpp
netra::WebSocketManager &instance() {
  static netra::WebSocketManager manager(nullptr); // Meyers singleton
  return manager;
}
std::shared_ptr<netra::WebSocketManager> g_manager;  // global slot
```

## Good

```cpp
void handle(const netra::UserExecutionContext &ctx) {
  auto manager = netra::create_websocket_manager(&ctx); // per request
  manager->send("hello");
}
```

## Options

`managers` (and annotations with `FACTORYGUARD_MANAGER`), `exclude` and
`rules.factoryguard-static-singleton.severity` in `.factoryguard.yaml`; in
clang-tidy also the CheckOption `Managers`. Suppress one finding with
`// NOLINT(factoryguard-static-singleton)`.
)md";

const char *NullContextHelp = R"md(# factoryguard-null-context

A factory's context parameter receives a null or absent context: `nullptr`,
`NULL`, `0`, `__null`, `{}`, `std::nullopt`, a default-constructed
`std::unique_ptr`, `std::shared_ptr` or `std::optional`; the parameter's
default argument when that default is one of these (a call that leaves the
context out); or a local variable initialized to one of these and not
assigned between its declaration and the call. Reported at the argument, or
at the closing parenthesis when the default argument was used.

Fix-it: when exactly one context value is in scope (a parameter, a lambda
capture, a member or an earlier local), the null argument is replaced, or
the missing argument inserted, with an expression of the parameter's form
(`ctx`, `&ctx`, `*ctx`, `ctx.get()`, `this->ctx_`). With none or several in
scope there is no fix-it; a note lists the candidates or says that no
context is in scope.

## Bad

```cpp
void on_message(const netra::UserExecutionContext &ctx) {
  auto manager = netra::get_websocket_manager();   // ctx defaults to nullptr
  auto other = netra::create_websocket_manager(nullptr);
}
```

## Good

```cpp
void on_message(const netra::UserExecutionContext &ctx) {
  auto manager = netra::get_websocket_manager(&ctx);
  auto other = netra::create_websocket_manager(&ctx);
}
```

## Options

`contexts`, `factories` (with `context-param`), `exclude` and
`rules.factoryguard-null-context.severity` in `.factoryguard.yaml`; in
clang-tidy also the CheckOptions `Contexts` and `Factories`. Suppress one
finding with `// NOLINT(factoryguard-null-context)`.
)md";

const std::vector<RuleInfo> &catalogue() {
  static const std::vector<RuleInfo> Rules = {
      {RequestScopeId, "RequestScope",
       "Request-scoped factory called outside request scope.",
       "A factory that creates a request-scoped object from a request context "
       "is called during static initialization, in an "
       "__attribute__((constructor)) function, or in a function with no "
       "request context in scope. At start-up no request exists: the service "
       "crashes at boot, or one user's object is shared with everyone.",
       RequestScopeHelp, Severity::Warning, "high", "error",
       {"correctness", "security", "request-scope"}},
      {StaticSingletonId, "StaticSingleton",
       "Request-scoped object kept in static storage.",
       "A variable with static or thread storage duration (global, static "
       "data member, function-local static, thread_local) holds a "
       "request-scoped manager, directly or through pointers, smart "
       "pointers, containers or members. One object is then shared by every "
       "user's requests: cross-user data leakage.",
       StaticSingletonHelp, Severity::Warning, "high", "error",
       {"correctness", "security", "request-scope"}},
      {NullContextId, "NullContext",
       "Request-scoped factory called with a null or absent context.",
       "A factory's request-context parameter receives nullptr, NULL, 0, {}, "
       "std::nullopt, an empty smart pointer or optional, a null default "
       "argument, or a local variable that still holds its null initializer. "
       "The factory then fails at run time or serves no user.",
       NullContextHelp, Severity::Warning, "high", "error",
       {"correctness", "reliability", "request-scope"}},
  };
  return Rules;
}

} // namespace

llvm::ArrayRef<RuleInfo> allRules() { return catalogue(); }

const RuleInfo *findRule(llvm::StringRef Id) {
  for (const RuleInfo &R : catalogue())
    if (Id == R.Id)
      return &R;
  return nullptr;
}

int ruleIndex(llvm::StringRef Id) {
  const auto &Rules = catalogue();
  for (size_t I = 0; I < Rules.size(); ++I)
    if (Id == Rules[I].Id)
      return static_cast<int>(I);
  return -1;
}

std::string helpText(const RuleInfo &Rule) {
  // The markdown page with heading marks and code fences removed.
  std::string Out;
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  llvm::StringRef(Rule.HelpMarkdown).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    if (L.starts_with("```"))
      continue;
    if (L.starts_with("#"))
      L = L.ltrim('#').ltrim(' ');
    Out += L.str();
    Out += '\n';
  }
  while (!Out.empty() && Out.back() == '\n')
    Out.pop_back();
  Out += '\n';
  return Out;
}

bool globMatches(llvm::StringRef Glob, llvm::StringRef Text) {
  // Only '*' is a wildcard, as in clang-tidy's check globs: the rest of
  // GlobPattern's syntax ('?', '[', '{', '\\') is escaped.
  std::string Escaped;
  for (char C : Glob) {
    if (C == '?' || C == '[' || C == ']' || C == '{' || C == '}' || C == '\\')
      Escaped += '\\';
    Escaped += C;
  }
  llvm::Expected<llvm::GlobPattern> Pattern =
      llvm::GlobPattern::create(Escaped);
  if (!Pattern) {
    llvm::consumeError(Pattern.takeError());
    return false;
  }
  return Pattern->match(Text);
}

bool ruleEnabledByGlobs(llvm::StringRef Globs, llvm::StringRef RuleId) {
  Globs = Globs.trim();
  if (Globs.empty())
    return true;
  bool Enabled = false;
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, false);
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    bool Negative = P.consume_front("-");
    if (!P.empty() && globMatches(P, RuleId))
      Enabled = !Negative;
  }
  return Enabled;
}

} // namespace factoryguard
