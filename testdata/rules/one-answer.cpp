// Testdata: one answer everywhere (SPEC §7). Code whose findings once
// depended on how factoryguard looked at it: each case gives the same
// findings in the default run and with --full-parse (RuleTestdataTest runs
// both), in the clang-tidy plugin and from a warm cache. Every rule on.
#include "netra/netra.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace app {
using namespace netra;
std::unique_ptr<WebSocketManager> make_default_manager();

// 1. A generic lambda that only a system-header template instantiates
// (std::function kept through std::make_unique, as HTTP frameworks keep
// their handlers): the default run skips that template's body, so the
// lambda's call operator is never instantiated; its body is analyzed all
// the same.
using handler_t = std::function<int(int)>;
struct Settings {
  std::unique_ptr<handler_t> handler;
  template <class H> void request_handler(H h) {
    handler = std::make_unique<handler_t>(std::move(h));
  }
};
void generic_route() {
  Settings s;
  s.request_handler([](auto v) { auto m = make_default_manager(); return v; });
  // CHECK-MESSAGES: :[[@LINE-1]]:43: warning: 'make_default_manager' called in a lambda in 'app::generic_route' that has no UserExecutionContext in scope [factoryguard-request-scope]
}
void typed_route() {
  Settings s;
  s.request_handler([](int v) { auto m = make_default_manager(); return v; });
  // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: 'make_default_manager' called in a lambda in 'app::typed_route' that has no UserExecutionContext in scope [factoryguard-request-scope]
}
// Compliant twin: the generic lambda captures the request's context.
void generic_in_request(const UserExecutionContext &ctx) {
  Settings s;
  s.request_handler([&ctx](auto v) {
    auto m = create_websocket_manager(&ctx);
    return v;
  });
}

// 2. Constructors are calls for the inference (SPEC §1): a class whose
// constructor calls a factory and that is constructed only in request scope
// is in request scope: constructed directly, through std::make_unique,
// std::make_shared and emplace_back, or as a member or a base of a class
// constructed there.
class TypingBurst {
public:
  explicit TypingBurst(std::string room) { auto m = make_default_manager(); }
};
void on_typing(const UserExecutionContext &ctx, const std::string &room) {
  TypingBurst burst(room);
}
class UploadJob {
public:
  UploadJob(std::string name, int parts) { auto m = make_default_manager(); }
};
void on_upload(const UserExecutionContext &ctx) {
  auto a = std::make_unique<UploadJob>("a", 1);
  auto b = std::make_shared<UploadJob>("b", 2);
  std::vector<UploadJob> jobs;
  jobs.emplace_back("c", 3);
}
class Presence {
public:
  explicit Presence(int user) { auto m = make_default_manager(); }
};
class Room {
public:
  explicit Room(int user) : presence_(user) {}
private:
  Presence presence_;
};
class Lobby : public Presence {
public:
  explicit Lobby(int user) : Presence(user) {}
};
void on_join(const UserExecutionContext &ctx) {
  Room r(1);
  Lobby l(2);
}
// Bad twins: a constructor also reached from main stays reported, with the
// chain; so does one reached through make_unique from start-up code.
class Banner {
public:
  explicit Banner(std::string text) { auto m = make_default_manager(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: 'make_default_manager' called in 'app::Banner::Banner', which has no UserExecutionContext in scope and is not called only from request handlers [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE+18]]:5: note: call chain 1/3: 'main' runs at start-up, outside any request
  // CHECK-NOTES: :[[@LINE+18]]:15: note: call chain 2/3: 'main' calls 'app::Banner::Banner', which has no request context in scope
  // CHECK-NOTES: :[[@LINE-4]]:48: note: call chain 3/3: 'make_default_manager' called in 'app::Banner::Banner'
};
void on_banner(const UserExecutionContext &ctx) { Banner b("hi"); }
class Warmer {
public:
  Warmer(int a, int b) { auto m = make_default_manager(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 'make_default_manager' called in 'app::Warmer::Warmer', which has no UserExecutionContext in scope and is not called only from request handlers [factoryguard-request-scope]
  // CHECK-NOTES: :[[@LINE+9]]:5: note: call chain 1/4: 'main' runs at start-up, outside any request
  // CHECK-NOTES: :[[@LINE+10]]:3: note: call chain 2/4: 'main' calls 'app::warm_all', which has no request context in scope
  // CHECK-NOTES: :[[@LINE+4]]:28: note: call chain 3/4: 'app::warm_all' calls 'app::Warmer::Warmer', which has no request context in scope
  // CHECK-NOTES: :[[@LINE-5]]:35: note: call chain 4/4: 'make_default_manager' called in 'app::Warmer::Warmer'
};
void on_warm(const UserExecutionContext &ctx) { auto w = std::make_unique<Warmer>(1, 2); }
void warm_all() { auto w = std::make_unique<Warmer>(3, 4); }
} // namespace app

int main() {
  app::Banner boot("boot");
  app::warm_all();
  return 0;
}
