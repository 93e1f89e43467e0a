// Testdata for factoryguard-request-scope (run with only this rule on).
// Expectations sit on the line after the code they describe; CHECK-NOTES are
// the call-chain notes. Bad cases beside their compliant twins.
#include "netra/netra.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace app {
using namespace netra;

// 1. Static initialization at namespace scope.
auto g_manager = create_websocket_manager(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'create_websocket_manager' called during static initialization of 'g_manager'; request-scoped factories need a UserExecutionContext [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:6: note: call chain 1/2: the static initialization of 'g_manager' runs before main
// Compliant twin: an app-scoped value that is no manager.
auto g_greeting = std::string("hello");

// 2. A static data member's initializer.
struct Holder {
  static std::shared_ptr<WebSocketManager> shared;
};
std::shared_ptr<WebSocketManager> Holder::shared = get_websocket_manager(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:52: warning: 'get_websocket_manager' called during static initialization of 'shared' [factoryguard-request-scope]

// 3. A function-local static inside a request handler: created once, with the
// first user's context.
void on_connect(const UserExecutionContext &ctx) {
  static auto cached = create_websocket_manager(&ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'create_websocket_manager' called during static initialization of 'cached' in 'app::on_connect'; the manager is created once, with the first caller's context [factoryguard-request-scope]
  thread_local auto per_thread = create_websocket_manager(&ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'create_websocket_manager' called during static initialization of 'per_thread' [factoryguard-request-scope]
  auto fresh = create_websocket_manager(&ctx); // compliant: per request
}

// 4. An __attribute__((constructor)) function.
__attribute__((constructor)) static void preload() {
  auto m = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create_websocket_manager' called in 'app::preload', an __attribute__((constructor)) function that runs before main [factoryguard-request-scope]
}

// 5. A function with no context in scope, reached from main and from the
// configured start-up function.
void warm_up() {
  auto m = get_websocket_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'get_websocket_manager' called in 'app::warm_up', which has no UserExecutionContext in scope [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-2]]:12: note: call chain 3/3: 'get_websocket_manager' called in 'app::warm_up'
}
// Compliant twin: the context is a parameter.
void handle(const UserExecutionContext *ctx) { auto m = get_websocket_manager(ctx); }

// 6. Members: a class holding a context has one in scope; one without has not.
class Session {
public:
  explicit Session(std::shared_ptr<UserExecutionContext> ctx) : ctx_(std::move(ctx)) {}
  void open() { auto m = create_websocket_manager(ctx_.get()); }
  static void prewarm() {
    auto m = create_websocket_manager(nullptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'create_websocket_manager' called in 'app::Session::prewarm', which has no UserExecutionContext in scope [factoryguard-request-scope]
  }

private:
  std::shared_ptr<UserExecutionContext> ctx_;
};
class Pool {
public:
  void fill() {
    auto m = create_websocket_manager(nullptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'create_websocket_manager' called in 'app::Pool::fill', which has no UserExecutionContext in scope [factoryguard-request-scope]
  }
};

// 7. Locals: a context declared before the call counts; after it, or
// null-initialized, does not.
void from_local() {
  UserExecutionContext ctx{"u1"};
  auto m = create_websocket_manager(&ctx);
}
void local_after() {
  auto m = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create_websocket_manager' called in 'app::local_after', which has no UserExecutionContext in scope [factoryguard-request-scope]
  UserExecutionContext ctx{"u1"};
}
void null_local() {
  const UserExecutionContext *ctx = nullptr;
  auto m = create_websocket_manager(ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create_websocket_manager' called in 'app::null_local', which has no UserExecutionContext in scope [factoryguard-request-scope]
}

// 8. Lambdas are their own functions.
void with_ctx(const UserExecutionContext &ctx) {
  auto later = [] { return create_websocket_manager(nullptr); };
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'create_websocket_manager' called in a lambda in 'app::with_ctx' that has no UserExecutionContext in scope [factoryguard-request-scope]
  auto captured = [&ctx] { return create_websocket_manager(&ctx); };
  auto by_param = [](const UserExecutionContext &c) { return create_websocket_manager(&c); };
  auto by_local = [] {
    UserExecutionContext mine{"u2"};
    return create_websocket_manager(&mine);
  };
}

// 9. Configured request entries have a context by definition.
} // namespace app
void netra::Router::dispatch(const std::string &path) { auto m = get_websocket_manager(); }

// 10. Configured start-up code, and a chain through a constructor.
void netra::startup() { app::warm_up(); }
// CHECK-NOTES: :[[@LINE-1]]:13: note: call chain 1/3: 'netra::startup' is start-up code, outside any request
// CHECK-NOTES: :[[@LINE-2]]:25: note: call chain 2/3: 'netra::startup' calls 'app::warm_up', which has no request context in scope
namespace app {
struct Preloader {
  Preloader() { manager_ = create_websocket_manager(nullptr); }
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'create_websocket_manager' called in 'app::Preloader::Preloader', which has no UserExecutionContext in scope [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE+4]]:11: note: call chain 1/3: the static initialization of 'g_preloader' runs before main
  // CHECK-NOTES: :[[@LINE+3]]:11: note: call chain 2/3: 'g_preloader' calls 'app::Preloader::Preloader', which has no request context in scope
  std::unique_ptr<WebSocketManager> manager_;
};
Preloader g_preloader;

// 11. Overrides of a configured virtual factory are factories too.
class TestFactory : public ManagerFactory {
public:
  std::unique_ptr<WebSocketManager> create(std::optional<UserExecutionContext> ctx) override;
};
void via_override(TestFactory &f) {
  auto m = f.create(std::nullopt);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create' called in 'app::via_override', which has no UserExecutionContext in scope [factoryguard-request-scope]
}

// 12. A call through a macro is reported where the macro is used.
#define MAKE_MANAGER() ::netra::create_websocket_manager(nullptr)
void via_macro() {
  auto m = MAKE_MANAGER();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create_websocket_manager' called in 'app::via_macro' [factoryguard-request-scope]
}

// 14. A factory forwarding to another factory (found in spdlog, whose
// *_logger_mt factories call spdlog::create): its callers are checked.
std::unique_ptr<WebSocketManager> make_default_manager() {
  return create_websocket_manager(nullptr);
}
void boot_default() {
  auto m = make_default_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'make_default_manager' called in 'app::boot_default', which has no UserExecutionContext in scope [factoryguard-request-scope]
}

// 15. The message names the factory's own context type.
void admin_boot() {
  auto b = make_admin_bridge(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'make_admin_bridge' called in 'app::admin_boot', which has no AdminContext in scope [factoryguard-request-scope]
}

using Handler = std::function<void(const UserExecutionContext &)>;
void register_handler(const std::string &path, Handler h);
} // namespace app

// 13. main: start-up code. A lambda defined here but run per request, with a
// context parameter, is compliant and is not chained.
int main() {
  app::register_handler("/ws", [](const netra::UserExecutionContext &ctx) {
    auto m = netra::create_websocket_manager(&ctx);
  });
  auto m = netra::get_websocket_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'get_websocket_manager' called in 'main', which runs at start-up with no UserExecutionContext in scope [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-6]]:5: note: call chain 1/2: 'main' runs at start-up, outside any request
  app::warm_up(); // the chain for warm_up starts at netra::startup: it comes first
  netra::startup();
  return 0;
}
