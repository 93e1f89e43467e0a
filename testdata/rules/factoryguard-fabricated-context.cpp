// Testdata for factoryguard-fabricated-context (run with only this rule on).
// A context made up from nothing (`"system"`, `"bootstrap"`) and passed to a
// factory, or a context object kept in static or thread storage: a bad case
// and its compliant twin side by side. A CHECK-FIXES line is the code line
// above it after --fix (no other line changes); the fixed file must compile.
#include "factoryguard/annotations.h"
#include "netra/netra.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// GoogleTest and Catch2 as their macros expand (no framework headers here):
// a test body is a built-in context source.
namespace testing {
class Test {
public:
  virtual ~Test() = default;
  virtual void TestBody() = 0;
};
} // namespace testing

namespace app {
using namespace netra;

// A context type with a derived-context constructor (annotated, beside the
// configured netra::UserExecutionContext) and a factory taking it.
class FACTORYGUARD_CONTEXT TaskContext {
public:
  explicit TaskContext(std::string user) : user_(std::move(user)) {}
  TaskContext(const TaskContext &parent, std::string task)
      : user_(parent.user_), task_(std::move(task)) {}

private:
  std::string user_, task_;
};
FACTORYGUARD_FACTORY std::unique_ptr<WebSocketManager>
open_task_channel(const TaskContext *ctx);

void log_line(const UserExecutionContext &ctx, const std::string &text);

//===--- Case 1: a made-up context reaches a factory ----------------------===//

// Through a local, at start-up: the incident's "system context".
void start_services() {
  UserExecutionContext system_ctx{"system"};
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext 'system_ctx' reaches 'create_websocket_manager' in 'app::start_services' [factoryguard-fabricated-context]
  auto m = create_websocket_manager(&system_ctx);
  // CHECK-NOTES: :[[@LINE-1]]:12: note: 'create_websocket_manager' receives it here
  // CHECK-NOTES: :[[@LINE-4]]:24: note: no other UserExecutionContext is in scope here
}

// A temporary, by reference and by value; make_unique.
void warm_up() {
  auto a = make_bridge(UserExecutionContext{"bootstrap"});
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext reaches 'make_bridge' in 'app::warm_up' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'make_bridge' receives it here
  // CHECK-NOTES: :[[@LINE-3]]:24: note: no other UserExecutionContext is in scope here
  auto b = copy_bridge(UserExecutionContext{"anonymous"});
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext reaches 'copy_bridge' in 'app::warm_up' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'copy_bridge' receives it here
  // CHECK-NOTES: :[[@LINE-3]]:24: note: no other UserExecutionContext is in scope here
  auto c = adopt_bridge(std::make_unique<UserExecutionContext>());
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: made-up UserExecutionContext reaches 'adopt_bridge' in 'app::warm_up' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'adopt_bridge' receives it here
  // CHECK-NOTES: :[[@LINE-3]]:25: note: no other UserExecutionContext is in scope here
  // A blank `{}` is an absent context: factoryguard-null-context reports it
  // (with the same fix-it), this rule does not.
  auto d = make_bridge({});
  auto e = copy_bridge(UserExecutionContext{});
}

// Through a pointer and a reference to a made-up local.
void through_aliases() {
  UserExecutionContext boot{"bootstrap"};
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext 'boot' reaches 'create_websocket_manager' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:24: note: no other UserExecutionContext is in scope here
  const UserExecutionContext *p = &boot;
  auto a = create_websocket_manager(p);
  // CHECK-NOTES: :[[@LINE-1]]:12: note: 'create_websocket_manager' receives it here
  UserExecutionContext admin{"admin"};
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext 'admin' reaches 'make_bridge' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:24: note: no other UserExecutionContext is in scope here
  const UserExecutionContext &r = admin;
  auto b = make_bridge(r);
  // CHECK-NOTES: :[[@LINE-1]]:12: note: 'make_bridge' receives it here
}

// A compatibility wrapper: a parameter reassigned to point at a made-up
// context when the caller passed none.
std::unique_ptr<WebSocketManager>
compat_manager(const UserExecutionContext *ctx) {
  UserExecutionContext fallback{"system"};
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext 'fallback' reaches 'create_websocket_manager' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:24: note: no other UserExecutionContext is in scope here
  if (!ctx)
    ctx = &fallback;
  return create_websocket_manager(ctx);
  // CHECK-NOTES: :[[@LINE-1]]:10: note: 'create_websocket_manager' receives it here
}
// Compliant twin: the wrapper passes what it was given.
std::unique_ptr<WebSocketManager>
plain_wrapper(const UserExecutionContext *ctx) {
  return create_websocket_manager(ctx);
}

// The request's context is right there: the fix-it passes it instead.
void on_message(const UserExecutionContext &ctx) {
  UserExecutionContext other{"someone-else"};
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext 'other' reaches 'create_websocket_manager' in 'app::on_message'; pass the parameter 'ctx', the request's context, instead [factoryguard-fabricated-context]
  create_websocket_manager(&other)->send("x");
  // CHECK-FIXES: create_websocket_manager(&ctx)->send("x");
  // CHECK-NOTES: :[[@LINE-2]]:3: note: 'create_websocket_manager' receives it here
  // CHECK-NOTES: :[[@LINE-3]]:28: note: pass the parameter 'ctx': '&ctx'
}
// Two real contexts in scope: no fix-it, a note names them.
void on_forward(const UserExecutionContext &from, const UserExecutionContext *to) {
  auto m = make_bridge(UserExecutionContext{"relay"});
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: made-up UserExecutionContext reaches 'make_bridge' in 'app::on_forward' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'make_bridge' receives it here
  // CHECK-NOTES: :[[@LINE-3]]:24: note: several contexts are in scope ('from', 'to'); choose one, no fix-it is offered
}

// The chain: a start-up function (netra::boot::*) reaches the wrapper's
// caller.
void prepare_agents() {
  TaskContext root{"system"};
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: made-up TaskContext 'root' reaches 'open_task_channel' in 'app::prepare_agents' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:15: note: no other TaskContext is in scope here
  auto m = open_task_channel(&root);
  // CHECK-NOTES: :[[@LINE-1]]:12: note: 'open_task_channel' receives it here
}
} // namespace app

namespace netra::boot {
void load_plugins() { app::prepare_agents(); }
// CHECK-NOTES: :[[@LINE-1]]:6: note: call chain 1/3: 'netra::boot::load_plugins' is start-up code, outside any request
// CHECK-NOTES: :[[@LINE-2]]:23: note: call chain 2/3: 'netra::boot::load_plugins' calls 'app::prepare_agents', which has no request context in scope
// CHECK-NOTES: :[[@LINE-12]]:15: note: call chain 3/3: made-up TaskContext 'root' reaches 'open_task_channel' in 'app::prepare_agents'
} // namespace netra::boot

namespace app {

//===--- What is not made up (compliant twins) ----------------------------===//

// A copy or a move of a context in scope.
void copies(const UserExecutionContext &ctx, UserExecutionContext owned) {
  UserExecutionContext copy = ctx;
  auto a = create_websocket_manager(&copy);
  UserExecutionContext moved = std::move(owned);
  auto b = make_bridge(moved);
  auto c = copy_bridge(UserExecutionContext(ctx));
}

// A derived context: its constructor takes the parent context (or a part
// of it).
void subtask(const TaskContext &parent, const UserExecutionContext &user) {
  TaskContext child(parent, "subtask");
  auto a = open_task_channel(&child);
  UserExecutionContext scoped{user.user_id + "/agent"};
  auto b = create_websocket_manager(&scoped);
}

// Built in a configured context source (netra::auth::context_from_request)
// or an annotated one, and passed on from there.
} // namespace app
netra::UserExecutionContext
netra::auth::context_from_request(const std::string &token) {
  UserExecutionContext ctx{token};
  auto m = create_websocket_manager(&ctx);
  return ctx;
}
namespace app {
FACTORYGUARD_CONTEXT_SOURCE UserExecutionContext from_header(const std::string &h) {
  UserExecutionContext ctx{h};
  auto m = make_bridge(ctx);
  return ctx;
}
void serve(const std::string &token) {
  UserExecutionContext ctx = auth::context_from_request(token);
  auto m = create_websocket_manager(&ctx);
  auto n = make_bridge(from_header(token));
}

// A factory function for contexts, called inside a context source.
UserExecutionContext make_context(const std::string &user) {
  return UserExecutionContext{user};
}
FACTORYGUARD_CONTEXT_SOURCE void authenticate(const std::string &user) {
  UserExecutionContext ctx = make_context(user);
  auto m = create_websocket_manager(&ctx);
  auto n = make_bridge(UserExecutionContext{user});
}

// A GoogleTest test body and a Catch2 test case make the contexts they use.
class ManagerTest_Sends_Test : public ::testing::Test {
  void TestBody() override {
    UserExecutionContext ctx{"test-user"};
    auto m = create_websocket_manager(&ctx);
  }
};
static void CATCH2_INTERNAL_TEST_0() {
  UserExecutionContext ctx{"test-user"};
  auto m = make_bridge(ctx);
}

// A context that never reaches a factory: a log line's context object.
void log_startup() {
  UserExecutionContext log_ctx{"system"};
  log_line(log_ctx, "starting");
}

// A context member of a request-scoped object.
class Session {
public:
  explicit Session(const UserExecutionContext &ctx) : ctx_(ctx) {}
  void open() { auto m = create_websocket_manager(&ctx_); }

private:
  UserExecutionContext ctx_;
};

//===--- Case 2: a context object in static or thread storage -------------===//

static UserExecutionContext g_bootstrap{"bootstrap"};
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'g_bootstrap' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
std::unique_ptr<UserExecutionContext> g_owned;
// CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'g_owned' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
std::shared_ptr<UserExecutionContext> g_shared;
// CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'g_shared' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
std::optional<UserExecutionContext> g_maybe;
// CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'g_maybe' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
std::vector<UserExecutionContext> g_contexts;
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 'g_contexts' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
std::map<std::string, UserExecutionContext> g_by_user;
// CHECK-MESSAGES: :[[@LINE-1]]:45: warning: 'g_by_user' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
RawSlot<UserExecutionContext> g_slot;
// CHECK-MESSAGES: :[[@LINE-1]]:31: warning: 'g_slot' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
struct Defaults {
  UserExecutionContext ctx;
};
Defaults g_defaults;
// CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'g_defaults' has static storage duration and holds a UserExecutionContext via Defaults::ctx [factoryguard-fabricated-context]
thread_local UserExecutionContext t_ctx;
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 't_ctx' has thread storage duration and holds a UserExecutionContext; it is shared by every request on a thread [factoryguard-fabricated-context]
class Registry {
  static TaskContext root_;
};
TaskContext Registry::root_{"system"};
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'root_' has static storage duration and holds a TaskContext [factoryguard-fabricated-context]

// Its accessor is named.
const UserExecutionContext &system_context() {
  static UserExecutionContext ctx{"system"};
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: 'ctx' (returned by the accessor 'app::system_context') has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
  return ctx;
}
// Copied from a request: one identity kept all the same.
void remember(const UserExecutionContext &ctx) {
  static UserExecutionContext first = ctx;
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: 'first' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
}
// The wrapper's static fallback: reported once, at its definition.
std::unique_ptr<WebSocketManager>
compat_static(const UserExecutionContext *ctx) {
  static const UserExecutionContext fallback{"system"};
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'fallback' has static storage duration and holds a UserExecutionContext [factoryguard-fabricated-context]
  if (!ctx)
    ctx = &fallback;
  return create_websocket_manager(ctx);
}

// Compliant twins: a pointer, a reference or a weak_ptr finds a context
// that lives elsewhere (the dispatcher's current request).
thread_local const UserExecutionContext *t_current = nullptr;
UserExecutionContext *g_last_seen = nullptr;
std::weak_ptr<UserExecutionContext> g_weak;
std::vector<const UserExecutionContext *> g_watchers;
const UserExecutionContext &current_request() { return *t_current; }

} // namespace app
