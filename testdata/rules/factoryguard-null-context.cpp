// Testdata for factoryguard-null-context (run with only this rule on).
// A CHECK-FIXES line is the code line above it after --fix (no other line
// changes); the fixed file must still compile.
#include "netra/netra.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace app {
using namespace netra;

// Every null spelling, with one context in scope: fixed in the parameter's form.
void spellings(const UserExecutionContext &ctx) {
  auto a = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context: 'nullptr' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto a = create_websocket_manager(&ctx);
  // CHECK-NOTES: :[[@LINE-3]]:37: note: pass the parameter 'ctx': '&ctx'
  auto b = create_websocket_manager(NULL);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context: 'NULL' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto b = create_websocket_manager(&ctx);
  // CHECK-NOTES: :[[@LINE-3]]:37: note: pass the parameter 'ctx': '&ctx'
  auto c = create_websocket_manager(0);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context: '0' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto c = create_websocket_manager(&ctx);
  // CHECK-NOTES: :[[@LINE-3]]:37: note: pass the parameter 'ctx': '&ctx'
  auto d = create_websocket_manager(__null);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context: '__null' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto d = create_websocket_manager(&ctx);
  // CHECK-NOTES: :[[@LINE-3]]:37: note: pass the parameter 'ctx': '&ctx'
  auto e = create_websocket_manager({});
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context: '{}' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto e = create_websocket_manager(&ctx);
  // CHECK-NOTES: :[[@LINE-3]]:37: note: pass the parameter 'ctx': '&ctx'
  auto f = create_websocket_manager(&ctx); // compliant twin
  auto g = copy_bridge({});
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'copy_bridge' called with a null context: '{}' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto g = copy_bridge(ctx);
  // CHECK-NOTES: :[[@LINE-3]]:24: note: pass the parameter 'ctx': 'ctx'
  auto h = copy_bridge(ctx); // compliant twin
  auto r = make_bridge({});
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'make_bridge' called with a null context: '{}' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto r = make_bridge(ctx);
  // CHECK-NOTES: :[[@LINE-3]]:24: note: pass the parameter 'ctx': 'ctx'
  auto s = make_bridge(ctx); // compliant twin
}

// The incident: a defaulted nullptr context, reported at the closing
// parenthesis; the fix inserts the context in scope.
void on_message(const UserExecutionContext *ctx) {
  auto m = get_websocket_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'get_websocket_manager' called without a context: parameter 'ctx' defaults to 'nullptr' [factoryguard-null-context]
  // CHECK-FIXES: auto m = get_websocket_manager(ctx);
  // CHECK-NOTES: :[[@LINE-3]]:34: note: pass the parameter 'ctx': 'ctx'
  auto n = get_websocket_manager(ctx); // compliant twin
}

// Smart pointers and optional: std::nullopt, empty and default-constructed.
void smart(WebSocketBridgeFactory &factory, std::shared_ptr<UserExecutionContext> ctx) {
  auto a = factory.create_user_emitter("a", nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: 'create_user_emitter' called with a null context: 'nullptr' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto a = factory.create_user_emitter("a", ctx);
  // CHECK-NOTES: :[[@LINE-3]]:45: note: pass the parameter 'ctx': 'ctx'
  WebSocketBridgeFactory *p = &factory;
  auto b = p->create_user_emitter("b", std::shared_ptr<UserExecutionContext>());
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: 'create_user_emitter' called with a null context [factoryguard-null-context]
  // CHECK-FIXES: auto b = p->create_user_emitter("b", ctx);
  // CHECK-NOTES: :[[@LINE-3]]:40: note: pass the parameter 'ctx': 'ctx'
  auto c = p->create_user_emitter("c", {});
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: 'create_user_emitter' called with a null context: '{}' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto c = p->create_user_emitter("c", ctx);
  // CHECK-NOTES: :[[@LINE-3]]:40: note: pass the parameter 'ctx': 'ctx'
  auto d = p->create_user_emitter("d", ctx); // compliant twin
}
void owned() {
  auto a = adopt_bridge(std::unique_ptr<UserExecutionContext>());
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'adopt_bridge' called with a null context [factoryguard-null-context]
  // CHECK-NOTES: :[[@LINE-2]]:25: note: no UserExecutionContext is in scope here
  auto b = adopt_bridge(std::make_unique<UserExecutionContext>()); // compliant
}
class TestFactory : public ManagerFactory {
public:
  std::unique_ptr<WebSocketManager> create(std::optional<UserExecutionContext> ctx) override;
};
void via_override(TestFactory &f, const UserExecutionContext &ctx) {
  auto a = f.create(std::nullopt);
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'app::TestFactory::create' called with a null context: 'std::nullopt' passed as 'ctx' [factoryguard-null-context]
  // CHECK-FIXES: auto a = f.create(ctx);
  // CHECK-NOTES: :[[@LINE-3]]:21: note: pass the parameter 'ctx': 'ctx'
  ManagerFactory &base = f;
  auto b = base.create(std::optional<UserExecutionContext>());
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'netra::ManagerFactory::create' called with a null context [factoryguard-null-context]
  // CHECK-FIXES: auto b = base.create(ctx);
  // CHECK-NOTES: :[[@LINE-3]]:24: note: pass the parameter 'ctx': 'ctx'
  auto c = f.create(ctx); // compliant twin
}

// A local still holding its null initializer; assigned in between is fine.
void local_null(const UserExecutionContext &ctx) {
  const UserExecutionContext *current = nullptr;
  auto m = create_websocket_manager(current);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context: 'current' is still null [factoryguard-null-context]
  // CHECK-FIXES: auto m = create_websocket_manager(&ctx);
  // CHECK-NOTES: :[[@LINE-4]]:31: note: 'current' is declared null here
  // CHECK-NOTES: :[[@LINE-4]]:37: note: pass the parameter 'ctx': '&ctx'
}
void local_assigned(const UserExecutionContext &ctx) {
  const UserExecutionContext *current = nullptr;
  current = &ctx;
  auto m = create_websocket_manager(current);
}

// Members, captures; several or no contexts give a note and no fix.
class Connection {
public:
  void open() {
    auto m = create_websocket_manager(nullptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
    // CHECK-FIXES: auto m = create_websocket_manager(this->ctx_.get());
    // CHECK-NOTES: :[[@LINE-3]]:39: note: pass the member 'ctx_': 'this->ctx_.get()'
  }

private:
  std::shared_ptr<UserExecutionContext> ctx_;
};
void lambdas(const UserExecutionContext &ctx) {
  auto with = [&ctx] { return create_websocket_manager(nullptr); };
  // CHECK-MESSAGES: :[[@LINE-1]]:56: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
  // CHECK-FIXES: auto with = [&ctx] { return create_websocket_manager(&ctx); };
  // CHECK-NOTES: :[[@LINE-3]]:56: note: pass the captured variable 'ctx': '&ctx'
  auto without = [] { return create_websocket_manager(nullptr); };
  // CHECK-MESSAGES: :[[@LINE-1]]:55: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
  // CHECK-NOTES: :[[@LINE-2]]:55: note: no UserExecutionContext is in scope here
  // CHECK-FIXES: auto without = [] { return create_websocket_manager(nullptr); };
}
void two(const UserExecutionContext &first, const UserExecutionContext &second) {
  auto m = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
  // CHECK-NOTES: :[[@LINE-2]]:37: note: several contexts are in scope ('first', 'second')
  // CHECK-FIXES: auto m = create_websocket_manager(nullptr);
}
void declared_after() {
  auto m = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
  // CHECK-FIXES: auto m = create_websocket_manager(nullptr);
  // CHECK-NOTES: :[[@LINE-3]]:37: note: no UserExecutionContext is in scope here; pass the request's context down to this function
  UserExecutionContext late{"late"};
  (void)late;
}

// A context no fix-it can name (an unnamed parameter) gets a note saying
// so; an inherited member is named through this->, and the note says which
// value the fix passes.
void unnamed(const UserExecutionContext &) {
  auto m = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
  // CHECK-NOTES: :[[@LINE-2]]:37: note: the request's UserExecutionContext is in scope without a name a fix-it can use
  // CHECK-FIXES: auto m = create_websocket_manager(nullptr);
}
struct RequestBase {
protected:
  const UserExecutionContext *request_ = nullptr;
};
struct Endpoint : RequestBase {
  void serve() {
    auto m = create_websocket_manager(nullptr);
    // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
    // CHECK-NOTES: :[[@LINE-2]]:39: note: pass the member 'request_': 'this->request_'
    // CHECK-FIXES: auto m = create_websocket_manager(this->request_);
  }
};

// Suppressed with NOLINT for this rule.
void suppressed(const UserExecutionContext &ctx) {
  auto m = create_websocket_manager(nullptr); // NOLINT(factoryguard-null-context)
}
} // namespace app
