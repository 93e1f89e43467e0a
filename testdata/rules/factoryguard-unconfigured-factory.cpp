// Testdata for factoryguard-unconfigured-factory (run with only this rule on).
// WebSocketBridgeFactory and LazyBridgeFactory are factory classes in
// .factoryguard.yaml (factory-setup: set up with configure, argument 0
// required); their create methods are factories.
#include "netra/netra.h"

#include <memory>
#include <utility>

namespace app {
using namespace netra;

ConnectionPool *open_pool();
void hand_over(WebSocketBridgeFactory &factory);

// Case 1: a required setup argument receives null, in every form
// factoryguard-null-context knows.
void boot_with_null_pool(WebSocketBridgeFactory &factory,
                         ConnectionPool *pool) {
  factory.configure(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'configure' sets up 'netra::WebSocketBridgeFactory' with a null 'connection_pool': 'nullptr' passed as a required argument; the managers it makes would silently do nothing [factoryguard-unconfigured-factory]
  factory.configure(pool); // compliant twin
  factory.configure(std::shared_ptr<ConnectionPool>());
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'configure' sets up 'netra::WebSocketBridgeFactory' with a null 'connection_pool': 'std::shared_ptr<ConnectionPool>()' passed as a required argument; the managers it makes would silently do nothing [factoryguard-unconfigured-factory]
  factory.configure({});
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'configure' sets up 'netra::WebSocketBridgeFactory' with a null 'connection_pool': '{}' passed as a required argument; the managers it makes would silently do nothing [factoryguard-unconfigured-factory]
  factory.configure(std::make_shared<ConnectionPool>()); // compliant twin
  // An optional setup argument may be null (health_monitor=None stays legal).
  factory.configure(pool, nullptr);
}

// Case 1, a defaulted null: configure(connection_pool=None).
void boot_lazy(LazyBridgeFactory &lazy, ConnectionPool *pool) {
  lazy.configure();
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'configure' sets up 'netra::LazyBridgeFactory' without 'connection_pool': the parameter defaults to 'nullptr'; the managers it makes would silently do nothing [factoryguard-unconfigured-factory]
  lazy.configure(pool); // compliant twin
}

// Case 1, a local still holding its null initializer.
void boot_with_local(WebSocketBridgeFactory &factory) {
  ConnectionPool *pool = nullptr;
  factory.configure(pool);
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'configure' sets up 'netra::WebSocketBridgeFactory' with a null 'connection_pool': 'pool' is still null (initialized to 'nullptr' and not assigned since); the managers it makes would silently do nothing [factoryguard-unconfigured-factory]
  // CHECK-NOTES: :[[@LINE-3]]:19: note: 'pool' is declared null here
  ConnectionPool *opened = nullptr;
  opened = open_pool();
  factory.configure(opened); // compliant twin: assigned since
}

// Case 2: a factory created in the function and used before any setup.
void handle_unset(const UserExecutionContext &ctx) {
  WebSocketBridgeFactory factory;
  auto emitter = factory.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
  // CHECK-MESSAGES: :[[@LINE-2]]:18: warning: 'create_user_emitter' called on 'factory' before it is set up: no call of 'configure' on it precedes this one in 'app::handle_unset' [factoryguard-unconfigured-factory]
}

void handle_set(const UserExecutionContext &ctx, ConnectionPool *pool) {
  WebSocketBridgeFactory factory; // compliant twin
  factory.configure(pool);
  auto emitter = factory.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
}

// Case 2 through make_unique, new and make_shared held in a local.
void handle_heap(const UserExecutionContext &ctx, ConnectionPool *pool) {
  auto owned = std::make_unique<LazyBridgeFactory>();
  auto a = owned->create(ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create' called on 'owned' before it is set up: no call of 'configure' on it precedes this one in 'app::handle_heap' [factoryguard-unconfigured-factory]
  LazyBridgeFactory *raw = new LazyBridgeFactory;
  auto b = raw->create(ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create' called on 'raw' before it is set up: no call of 'configure' on it precedes this one in 'app::handle_heap' [factoryguard-unconfigured-factory]
  delete raw;
  auto shared = std::make_shared<LazyBridgeFactory>(); // compliant twin
  shared->configure(pool);
  auto c = shared->create(ctx);
}

// Case 2: a setup after the call does not set it up in time.
void handle_late(const UserExecutionContext &ctx, ConnectionPool *pool) {
  LazyBridgeFactory lazy;
  auto a = lazy.create(ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create' called on 'lazy' before it is set up: no call of 'configure' on it precedes this one in 'app::handle_late' [factoryguard-unconfigured-factory]
  lazy.configure(pool);
  auto b = lazy.create(ctx); // compliant: set up by now
}

// Not case 2: the factory is not created here (a parameter, a reference),
// or it leaves the function before the call (whoever gets it may set it up).
void handle_given(WebSocketBridgeFactory &given, LazyBridgeFactory *lazy,
                  const UserExecutionContext &ctx) {
  auto a = given.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
  auto b = lazy->create(ctx);
  WebSocketBridgeFactory handed;
  hand_over(handed);
  auto c = handed.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
  LazyBridgeFactory moved;
  LazyBridgeFactory target = std::move(moved);
  auto d = moved.create(ctx);
}

// Case 3: a factory object in static storage that the program uses and
// never sets up (this file is the whole program here).
WebSocketBridgeFactory g_bridge_factory;
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'g_bridge_factory' is never set up: no call of 'configure' on it anywhere in the program, yet 'create_user_emitter' is called on it [factoryguard-unconfigured-factory]
// CHECK-NOTES: :[[@LINE+9]]:12: note: 'create_user_emitter' called on 'g_bridge_factory' here
static LazyBridgeFactory g_lazy; // compliant twin: set up at start-up
static std::unique_ptr<LazyBridgeFactory> g_owned =
    std::make_unique<LazyBridgeFactory>();
// CHECK-MESSAGES: :[[@LINE-2]]:43: warning: 'g_owned' is never set up: no call of 'configure' on it anywhere in the program, yet 'create' is called on it [factoryguard-unconfigured-factory]
// CHECK-NOTES: :[[@LINE+7]]:12: note: 'create' called on 'g_owned' here
WebSocketBridgeFactory g_unused; // compliant: nothing is made with it

void on_event(const UserExecutionContext &ctx) {
  auto a = g_bridge_factory.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
  auto b = g_lazy.create(ctx);
  auto c = g_owned->create(ctx);
}

void startup(ConnectionPool *pool) { g_lazy.configure(pool); }

// Not case 3: a static factory object handed to other code (a helper that
// takes it by reference, a reference bound to it) may be set up there.
void setup_bridges(WebSocketBridgeFactory &factory, ConnectionPool *pool);
WebSocketBridgeFactory g_helped;  // compliant: handed to setup_bridges
WebSocketBridgeFactory g_aliased; // compliant: set up through a reference
void boot_helpers(ConnectionPool *pool) {
  setup_bridges(g_helped, pool);
  WebSocketBridgeFactory &alias = g_aliased;
  alias.configure(pool);
}
void on_helped(const UserExecutionContext &ctx) {
  auto a = g_helped.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
  auto b = g_aliased.create_user_emitter(
      "events", std::make_shared<UserExecutionContext>(ctx));
  bool ready = g_bridge_factory.configured(); // a query hands nothing out
}

} // namespace app
