// Testdata for factoryguard-request-scope (run with only this rule on).
// Expectations sit on the line after the code they describe; CHECK-NOTES are
// the call-chain notes. Bad cases beside their compliant twins.
#include "netra/netra.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace app {
using namespace netra;

// 1. Static initialization at namespace scope.
auto g_manager = create_websocket_manager(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'create_websocket_manager' called during static initialization of 'g_manager'; request-scoped factories need a UserExecutionContext [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:6: note: call chain 1/2: the static initialization of 'g_manager' runs before main
// CHECK-NOTES: :[[@LINE-3]]:18: note: call chain 2/2: 'create_websocket_manager' called during static initialization of 'g_manager'
// Compliant twin: an app-scoped value that is no manager.
auto g_greeting = std::string("hello");

// 2. A static data member's initializer.
struct Holder {
  static std::shared_ptr<WebSocketManager> shared;
};
std::shared_ptr<WebSocketManager> Holder::shared = get_websocket_manager(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:52: warning: 'get_websocket_manager' called during static initialization of 'shared' [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:43: note: call chain 1/2: the static initialization of 'shared' runs before main, outside any request
// CHECK-NOTES: :[[@LINE-3]]:52: note: call chain 2/2: 'get_websocket_manager' called during static initialization of 'shared'

// 3. A function-local static inside a request handler: created once, with the
// first user's context.
void on_connect(const UserExecutionContext &ctx) {
  static auto cached = create_websocket_manager(&ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'create_websocket_manager' called during static initialization of 'cached' in 'app::on_connect'; the manager is created once, with the first caller's context [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-2]]:15: note: call chain 1/2: the function-local static 'cached' is initialized once, by the first call, and kept for every later caller
  // CHECK-NOTES: :[[@LINE-3]]:24: note: call chain 2/2: 'create_websocket_manager' called during static initialization of 'cached' in 'app::on_connect'
  thread_local auto per_thread = create_websocket_manager(&ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'create_websocket_manager' called during static initialization of 'per_thread' [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-2]]:21: note: call chain 1/2: the function-local static 'per_thread' is initialized once, by the first call, and kept for every later caller
  // CHECK-NOTES: :[[@LINE-3]]:34: note: call chain 2/2: 'create_websocket_manager' called during static initialization of 'per_thread' in 'app::on_connect'
  auto fresh = create_websocket_manager(&ctx); // compliant: per request
}

// 4. An __attribute__((constructor)) function.
__attribute__((constructor)) static void preload() {
  auto m = create_websocket_manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create_websocket_manager' called in 'app::preload', an __attribute__((constructor)) function that runs before main [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-3]]:42: note: call chain 1/2: 'app::preload' is an __attribute__((constructor)) function; it runs before main
  // CHECK-NOTES: :[[@LINE-3]]:12: note: call chain 2/2: 'create_websocket_manager' called in 'app::preload', an __attribute__((constructor)) function that runs before main, outside any request
}

// 5. A function with no context in scope, reached from main and from the
// configured start-up function.
void warm_up() {
  auto m = get_websocket_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'get_websocket_manager' called in 'app::warm_up', which has no UserExecutionContext in scope; it runs at start-up (see the call chain), outside any request: create the manager per request, from the request's context, or move this work into the request path [factoryguard-request-scope]
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

// 8. Lambdas are their own functions. One defined where a context is in
// scope is a continuation of that request (SPEC §1), even if it captures
// nothing; one defined where none is, is not (see main below).
void with_ctx(const UserExecutionContext &ctx) {
  auto later = [] { return create_websocket_manager(nullptr); };
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
  // CHECK-NOTES: :[[@LINE+5]]:11: note: call chain 1/3: the static initialization of 'g_preloader' runs before main
  // CHECK-NOTES: :[[@LINE+4]]:11: note: call chain 2/3: 'g_preloader' calls 'app::Preloader::Preloader', which has no request context in scope
  // CHECK-NOTES: :[[@LINE-4]]:28: note: call chain 3/3: 'create_websocket_manager' called in 'app::Preloader::Preloader', which has no UserExecutionContext in scope
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
  // A method with a generic name is named with its class.
  // CHECK-MESSAGES: :[[@LINE-2]]:12: warning: 'app::TestFactory::create' called in 'app::via_override', which has no UserExecutionContext in scope; pass the request's context down to it [factoryguard-request-scope]
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

// 16. An unnamed context parameter is a context in scope (SPEC §1).
void unnamed_ctx(const UserExecutionContext &, int) { auto m = make_default_manager(); }
void unnamed_other(const std::string &, int) { auto m = make_default_manager(); }
// CHECK-MESSAGES: :[[@LINE-1]]:57: warning: 'make_default_manager' called in 'app::unnamed_other', which has no UserExecutionContext in scope and is not called only from request handlers; if it runs inside a request, pass the request down to 'app::unnamed_other' or mark it a request entry [factoryguard-request-scope]

// 17. A context member inherited from a base, also from a dependent base
// once the template is instantiated.
struct HandlerBase {
protected:
  std::shared_ptr<UserExecutionContext> request_;
};
struct PlainBase {
protected:
  int id_ = 0;
};
struct ChatHandler : HandlerBase {
  void run() { auto m = create_websocket_manager(request_.get()); }
};
struct PlainHandler : PlainBase {
  void run() { auto m = make_default_manager(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'make_default_manager' called in 'app::PlainHandler::run', which has no UserExecutionContext in scope [factoryguard-request-scope]
};
template <class Base> struct Coroutine : Base {
  void resume() { auto m = make_default_manager(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'make_default_manager' called in 'app::Coroutine::resume', which has no UserExecutionContext in scope [factoryguard-request-scope]
};
template struct Coroutine<HandlerBase>; // compliant: request_ is inherited
template struct Coroutine<PlainBase>;   // the finding above

// 18. Member functions of a context class: *this is the request.
struct RequestState : UserExecutionContext {
  void open_socket() { auto m = make_default_manager(); }
};
struct NotAContext {
  std::string user_id;
  void open_socket() { auto m = make_default_manager(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'make_default_manager' called in 'app::NotAContext::open_socket', which has no UserExecutionContext in scope [factoryguard-request-scope]
};

// 19. A continuation lambda created in a handler runs for that request,
// even if it captures only the callback; one created in a function with no
// request does not.
void post(std::function<void()> task);
void on_message(const UserExecutionContext &, std::function<void()> &&cb) {
  post([cb = std::move(cb)] { auto m = make_default_manager(); cb(); });
}
void on_timer(std::function<void()> cb) {
  post([cb] { auto m = make_default_manager(); cb(); });
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'make_default_manager' called in a lambda in 'app::on_timer' that has no UserExecutionContext in scope [factoryguard-request-scope]
}
// The definer may be in request scope by inference: a helper called only
// from a handler; one called from start-up is not.
void schedule_reply() { post([] { auto m = make_default_manager(); }); }
void handle_schedule(const UserExecutionContext &) { schedule_reply(); }
void schedule_boot() { post([] { auto m = make_default_manager(); }); }
// CHECK-MESSAGES: :[[@LINE-1]]:43: warning: 'make_default_manager' called in a lambda in 'app::schedule_boot' that has no UserExecutionContext in scope [factoryguard-request-scope]

// 20. Helpers called only from handlers are in request scope by inference
// (SPEC §1), mutual recursion included; one also reached from start-up, one
// whose address is taken and a virtual one are not.
void render_reply() { auto m = make_default_manager(); }
void handle_chat(const UserExecutionContext &ctx) { render_reply(); }
void handle_typing(const UserExecutionContext &) { render_reply(); }
void walk_b(int n);
void walk_a(int n) {
  if (n)
    walk_b(n - 1);
  auto m = make_default_manager();
}
void walk_b(int n) {
  if (n)
    walk_a(n - 1);
}
void handle_walk(const UserExecutionContext &) { walk_a(3); }
void render_banner() { auto m = make_default_manager(); }
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'make_default_manager' called in 'app::render_banner', which has no UserExecutionContext in scope and is not called only from request handlers [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:33: note: call chain 3/3: 'make_default_manager' called in 'app::render_banner'
// CHECK-NOTES: :[[@LINE+138]]:19: note: call chain 1/3: 'netra::boot::load_plugins' is start-up code, outside any request
// CHECK-NOTES: :[[@LINE+141]]:3: note: call chain 2/3: 'netra::boot::load_plugins' calls 'app::render_banner', which has no request context in scope
void handle_banner(const UserExecutionContext &) { render_banner(); }
void pointer_target() { auto m = make_default_manager(); }
// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'make_default_manager' called in 'app::pointer_target' [factoryguard-request-scope]
void handle_pointer(const UserExecutionContext &) { pointer_target(); }
void register_hook(void (*hook)());
void install_hooks(const UserExecutionContext &) { register_hook(&pointer_target); }
struct Renderer {
  virtual ~Renderer() = default;
  virtual void draw() { auto m = make_default_manager(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'make_default_manager' called in 'app::Renderer::draw' [factoryguard-request-scope]
};
void handle_draw(const UserExecutionContext &, Renderer &r) { r.draw(); }

// 21. A function template is decided on its instantiations: one that
// receives the context has it in scope; one that does not is reported.
template <class Ctx> void templated_handler(const Ctx &) { auto m = make_default_manager(); }
template <class T> void templated_other(const T &) { auto m = make_default_manager(); }
// CHECK-MESSAGES: :[[@LINE-1]]:63: warning: 'make_default_manager' called in 'app::templated_other', which has no UserExecutionContext in scope [factoryguard-request-scope]
void use_templates(const UserExecutionContext &ctx) { templated_handler(ctx); }
void use_other() { templated_other(42); }

// 22. A lambda invoked where it is written, in a static initializer, runs
// during static initialization; in a handler it is part of the request.
auto g_lazy = [] { return create_websocket_manager(nullptr); }();
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'create_websocket_manager' called during static initialization of 'g_lazy'; request-scoped factories need a UserExecutionContext [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:6: note: call chain 1/2: the static initialization of 'g_lazy' runs before main, outside any request
// CHECK-NOTES: :[[@LINE-3]]:27: note: call chain 2/2: 'create_websocket_manager' called during static initialization of 'g_lazy'
void handle_lazy(const UserExecutionContext &ctx) {
  auto m = [&] { return create_websocket_manager(&ctx); }();
}

// 23. Chains enter function template instantiations and pass through
// implicitly defined constructors and default member initializers.
template <class T> void boot_each(T) { auto m = make_default_manager(); }
// CHECK-MESSAGES: :[[@LINE-1]]:49: warning: 'make_default_manager' called in 'app::boot_each' [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:49: note: call chain 4/4: 'make_default_manager' called in 'app::boot_each'
void boot_all() { boot_each(1); }
// CHECK-NOTES: :[[@LINE-1]]:19: note: call chain 3/4: 'app::boot_all' calls 'app::boot_each'
struct Widgets {
// CHECK-NOTES: :[[@LINE-1]]:8: note: call chain 4/5: 'app::Widgets::Widgets' runs the default member initializer of 'app::Widgets::socket_'
  std::unique_ptr<WebSocketManager> socket_ = make_default_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: 'make_default_manager' called in the default member initializer of 'app::Widgets::socket_' [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-2]]:47: note: call chain 5/5: 'make_default_manager' called in the default member initializer
};
struct Dashboard {
// CHECK-NOTES: :[[@LINE-1]]:8: note: call chain 3/5: 'app::Dashboard::Dashboard' calls 'app::Widgets::Widgets'
  Widgets widgets;
};
Dashboard g_dashboard;
// CHECK-NOTES: :[[@LINE-1]]:11: note: call chain 1/5: the static initialization of 'g_dashboard' runs before main
// CHECK-NOTES: :[[@LINE-2]]:11: note: call chain 2/5: 'g_dashboard' calls 'app::Dashboard::Dashboard'
// Compliant twin: every constructor that runs the initializer has the
// request (an unnamed parameter).
struct Reply {
  explicit Reply(const UserExecutionContext &) {}
  std::unique_ptr<WebSocketManager> socket_ = make_default_manager();
};
void handle_reply(const UserExecutionContext &ctx) { Reply r(ctx); }

// 24. A static that keeps only a value computed from a factory's result is
// described as such; the article follows the context's name.
void on_probe(const UserExecutionContext &ctx) {
  static bool reachable = create_websocket_manager(&ctx) != nullptr;
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'create_websocket_manager' called during static initialization of 'reachable' in 'app::on_probe', which keeps only a 'bool' computed from its result; the call runs once, with the first caller's context, and every later user gets that first answer [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-2]]:15: note: call chain 1/2: the function-local static 'reachable' is initialized once, by the first call, and kept for every later caller
  // CHECK-NOTES: :[[@LINE-3]]:27: note: call chain 2/2: 'create_websocket_manager' called during static initialization of 'reachable' in 'app::on_probe', which keeps only a 'bool' computed from its result
}
// Twin of case 5: a helper reached only from a function-local static's
// initialization, which may run inside a request, keeps the advice to pass
// the context down (only a start-up root changes it).
bool probe_helper() { return get_websocket_manager() != nullptr; }
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'get_websocket_manager' called in 'app::probe_helper', which has no UserExecutionContext in scope; pass the request's context down to it [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE+3]]:15: note: call chain 1/3: the function-local static 'probed' is initialized once, by the first call, and kept for every later caller
// CHECK-NOTES: :[[@LINE+2]]:24: note: call chain 2/3: 'probed' calls 'app::probe_helper', which has no request context in scope
void on_probe_twice(const UserExecutionContext &ctx) {
  static bool probed = probe_helper();
}
// CHECK-NOTES: :[[@LINE-7]]:30: note: call chain 3/3: 'get_websocket_manager' called in 'app::probe_helper', which has no UserExecutionContext in scope
auto g_admin = make_admin_bridge(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'make_admin_bridge' called during static initialization of 'g_admin'; request-scoped factories need an AdminContext, which only exists inside a request [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:6: note: call chain 1/2: the static initialization of 'g_admin' runs before main, outside any request
// CHECK-NOTES: :[[@LINE-3]]:16: note: call chain 2/2: 'make_admin_bridge' called during static initialization of 'g_admin'

// 25. A context local declared after a call in main does not block the
// chain to that call (see main); a call after it is in request scope.
void cold_start() { auto m = make_default_manager(); }
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'make_default_manager' called in 'app::cold_start' [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:30: note: call chain 3/3: 'make_default_manager' called in 'app::cold_start'
// CHECK-NOTES: :[[@LINE+29]]:5: note: call chain 1/3: 'main' runs at start-up, outside any request
void warm_after() { auto m = make_default_manager(); }

// 27. A factory that is a method of the context class, called on a context
// object, is given that context: a reply to a request a handler kept
// (long polling, "send the response later") has its request.
std::vector<ChatRequest> held_requests;
void reply_later() { auto r = held_requests[0].reply(200); }
// Bad twin: a static initializer still runs before main, whatever it is
// called on.
auto g_reply = ChatRequest{"/boot"}.reply(500);
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'reply' called during static initialization of 'g_reply'; request-scoped factories need a ChatRequest, which only exists inside a request [factoryguard-request-scope]
// CHECK-NOTES: :[[@LINE-2]]:6: note: call chain 1/2: the static initialization of 'g_reply' runs before main
// CHECK-NOTES: :[[@LINE-3]]:16: note: call chain 2/2: 'reply' called during static initialization of 'g_reply'

// 28. A configured name with several overloads names those that take a
// context: the overload that builds its own context from a user id and
// forwards is no factory (cpp-httplib's Client::send).
void login(const std::string &user) { auto s = open_session(user); }
// Bad twin: the overload that takes the context, with none in scope.
void relogin() { auto s = open_session(UserExecutionContext{"u4"}); }
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'open_session' called in 'app::relogin', which has no UserExecutionContext in scope; pass the request's context down to it [factoryguard-request-scope]

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
  // CHECK-NOTES: :[[@LINE-3]]:12: note: call chain 2/2: 'get_websocket_manager' called in 'main', which runs at start-up with no UserExecutionContext in scope
  app::warm_up(); // the chain for warm_up starts at netra::startup: it comes first
  netra::startup();
  app::cold_start();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: call chain 2/3: 'main' calls 'app::cold_start', which has no request context in scope
  netra::UserExecutionContext late{"u3"};
  app::warm_after();
  return 0;
}

// 26. Start-up functions: a finding there says so; chains start there and
// enter template instantiations.
void netra::boot::load_plugins() {
// CHECK-NOTES: :[[@LINE-1]]:19: note: call chain 1/4: 'netra::boot::load_plugins' is start-up code, outside any request
  app::boot_all();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: call chain 2/4: 'netra::boot::load_plugins' calls 'app::boot_all'
  app::render_banner();
  app::schedule_boot();
  auto m = app::make_default_manager();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'make_default_manager' called in 'netra::boot::load_plugins', start-up code that runs outside any request, with no UserExecutionContext in scope [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE-8]]:19: note: call chain 1/2: 'netra::boot::load_plugins' is start-up code, outside any request
  // CHECK-NOTES: :[[@LINE-3]]:12: note: call chain 2/2: 'make_default_manager' called in 'netra::boot::load_plugins', start-up code that runs outside any request, with no UserExecutionContext in scope
}
