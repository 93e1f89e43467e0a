// Testdata for factoryguard-static-singleton. Each expectation sits on the
// line after the code it talks about, clang-tidy style; the message part is a
// substring of the real message. A bad case and its compliant twin side by side.
#include "netra/netra.h"

#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

// Holder templates as Chromium (base::), Abseil and leveldb write them, and
// folly's: the object lives in raw storage, so no member shows it (SPEC §2).
namespace base {
template <typename T> class NoDestructor {
public:
  template <typename... Args> explicit NoDestructor(Args &&...args) {
    new (storage_) T(static_cast<Args &&>(args)...);
  }
  T *get() { return reinterpret_cast<T *>(storage_); }

private:
  alignas(T) unsigned char storage_[sizeof(T)];
};
} // namespace base
namespace folly {
template <typename T, typename Tag = void> class Singleton {
public:
  static T *try_get();
};
template <typename T, typename Tag = void> class LeakySingleton {
public:
  static T &get();
};
} // namespace folly
// Not a holder: an unrelated template that only shares a word of the name.
template <typename T> class NoDestructorStats {
public:
  int constructed = 0;
};

namespace app {
using netra::WebSocketManager;

// Meyers singleton: a function-local static, returned by reference.
WebSocketManager &instance() {
  static WebSocketManager manager(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'manager' (returned by the singleton accessor 'app::instance') has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
  return manager;
}
// Compliant twin: a per-call object.
WebSocketManager per_request(const netra::UserExecutionContext &ctx) {
  WebSocketManager manager(&ctx);
  return manager;
}

// Lazy pointer slot initialized to nullptr.
WebSocketManager *g_lazy = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'g_lazy' has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
// Compliant twin: an app-scoped pointer to something that is no manager.
std::string *g_name = nullptr;

// Static data member: reported at the definition, not the declaration.
struct Registry {
  static std::shared_ptr<WebSocketManager> current;
  static int count;
};
std::shared_ptr<WebSocketManager> Registry::current;
// CHECK-MESSAGES: :[[@LINE-1]]:45: warning: 'current' has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
int Registry::count = 0;

// A standard container of smart pointers to a manager.
std::map<std::string, std::shared_ptr<WebSocketManager>> g_by_user;
// CHECK-MESSAGES: :[[@LINE-1]]:58: warning: 'g_by_user' has static storage duration [factoryguard-static-singleton]
std::map<std::string, std::shared_ptr<std::string>> g_names;

// thread_local unique_ptr of a derived manager.
thread_local std::unique_ptr<netra::BetaWebSocketManager> t_beta;
// CHECK-MESSAGES: :[[@LINE-1]]:59: warning: 't_beta' has thread storage duration and holds request-scoped 'netra::BetaWebSocketManager' [factoryguard-static-singleton]
thread_local std::unique_ptr<std::string> t_scratch;

// std::optional and std::weak_ptr.
std::optional<WebSocketManager> g_maybe;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'g_maybe' has static storage duration [factoryguard-static-singleton]
std::weak_ptr<WebSocketManager> g_weak;
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'g_weak' has static storage duration [factoryguard-static-singleton]
std::optional<int> g_port;

// A struct that holds a manager two members deep.
struct Emitter {
  std::unique_ptr<WebSocketManager> ws_manager_;
};
struct AgentService {
  Emitter emitter_;
  int retries_ = 3;
};
AgentService g_agent_service;
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'g_agent_service' has static storage duration and holds request-scoped 'netra::WebSocketManager' via AgentService::emitter_ -> Emitter::ws_manager_ [factoryguard-static-singleton]
struct Settings {
  std::string name;
  std::vector<int> ports;
};
Settings g_settings;

// A template singleton: reported once, at the pattern, because one
// instantiation holds a manager; the int instantiation alone would not be.
template <class T> struct Singleton {
  static T &get() {
    static T value{nullptr};
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'value' (returned by the singleton accessor 'app::Singleton::get') has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
    return value;
  }
};
template <class T> struct IntOnlySingleton {
  static T &get() {
    static T value{};
    return value;
  }
};
void use_singletons() {
  Singleton<WebSocketManager>::get();
  Singleton<int *>::get();
  IntOnlySingleton<int>::get();
}

// A function pointer to a factory holds no manager.
using FactoryFn = std::unique_ptr<WebSocketManager> (*)(const netra::UserExecutionContext *);
FactoryFn g_factory = &netra::create_websocket_manager;
std::function<std::unique_ptr<WebSocketManager>(const netra::UserExecutionContext *)> g_factory_fn;

// A static local in a request handler is still shared by every request.
void handle(const netra::UserExecutionContext &ctx) {
  static std::unique_ptr<WebSocketManager> cached;
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: 'cached' has static storage duration [factoryguard-static-singleton]
  std::unique_ptr<WebSocketManager> local;
}

// Regex entries must match the whole name: AgentBridgeConfig is no manager.
std::unique_ptr<netra::AgentBridge> g_bridge;
// CHECK-MESSAGES: :[[@LINE-1]]:37: warning: 'g_bridge' has static storage duration and holds request-scoped 'netra::AgentBridge' [factoryguard-static-singleton]
netra::AgentBridgeConfig g_bridge_config;

// extern declarations are not reported, only the definition.
extern WebSocketManager *g_external;
WebSocketManager *g_external = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'g_external' has static storage duration [factoryguard-static-singleton]

// Arrays and references.
WebSocketManager *g_pool[4];
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'g_pool' has static storage duration [factoryguard-static-singleton]
std::vector<std::reference_wrapper<WebSocketManager>> g_refs;
// CHECK-MESSAGES: :[[@LINE-1]]:55: warning: 'g_refs' has static storage duration [factoryguard-static-singleton]

// Holder templates: built in (any NoDestructor, folly::Singleton and
// folly::LeakySingleton) and configured (holders: [netra::RawSlot]).
WebSocketManager &leaky_instance() {
  static base::NoDestructor<WebSocketManager> instance(nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: 'instance' (returned by the singleton accessor 'app::leaky_instance') has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
  return *instance.get();
}
// An accessor that returns a namespace-scope static of its file (Poco's
// SingletonHolder in an anonymous namespace) names it as well.
namespace {
base::NoDestructor<WebSocketManager> sh(nullptr);
// CHECK-MESSAGES: :[[@LINE-1]]:38: warning: 'sh' (returned by the singleton accessor 'app::Center::defaultCenter') has static storage duration and holds request-scoped 'netra::WebSocketManager'; one instance is shared by every user's requests [factoryguard-static-singleton]
} // namespace
struct Center {
  static WebSocketManager &defaultCenter();
};
WebSocketManager &Center::defaultCenter() { return *sh.get(); }
// Compliant twin: app-scoped state in the same holder.
const std::string &app_name() {
  static base::NoDestructor<std::string> name("chat");
  return *name.get();
}
base::NoDestructor<AgentService> g_leaky_service;
// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'g_leaky_service' has static storage duration and holds request-scoped 'netra::WebSocketManager' via AgentService::emitter_ -> Emitter::ws_manager_ [factoryguard-static-singleton]
base::NoDestructor<Settings> g_leaky_settings;
folly::Singleton<netra::BetaWebSocketManager> g_folly_beta;
// CHECK-MESSAGES: :[[@LINE-1]]:47: warning: 'g_folly_beta' has static storage duration and holds request-scoped 'netra::BetaWebSocketManager' [factoryguard-static-singleton]
folly::Singleton<Settings> g_folly_settings;
folly::LeakySingleton<netra::AgentBridge> g_folly_bridge;
// CHECK-MESSAGES: :[[@LINE-1]]:43: warning: 'g_folly_bridge' has static storage duration and holds request-scoped 'netra::AgentBridge' [factoryguard-static-singleton]
folly::LeakySingleton<netra::AgentBridgeConfig> g_folly_bridge_config;
netra::RawSlot<WebSocketManager> g_raw_slot;
// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'g_raw_slot' has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
netra::RawSlot<Settings> g_raw_settings;
NoDestructorStats<WebSocketManager> g_stats;
// A smart pointer's accessor, through operator*.
WebSocketManager &lazy_instance() {
  static std::unique_ptr<WebSocketManager> slot;
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: 'slot' (returned by the singleton accessor 'app::lazy_instance') has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
  return *slot;
}

// Packs: std::tuple and std::variant hold what any of their elements holds.
std::tuple<int, std::shared_ptr<WebSocketManager>> g_tuple;
// CHECK-MESSAGES: :[[@LINE-1]]:52: warning: 'g_tuple' has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
std::tuple<int, std::string> g_plain_tuple;
std::variant<std::monostate, WebSocketManager *> g_variant;
// CHECK-MESSAGES: :[[@LINE-1]]:50: warning: 'g_variant' has static storage duration and holds request-scoped 'netra::WebSocketManager' [factoryguard-static-singleton]
std::variant<int, std::string> g_plain_variant;

// Suppressions, as in clang-tidy.
WebSocketManager *g_suppressed = nullptr; // NOLINT(factoryguard-static-singleton)
WebSocketManager *g_suppressed_all = nullptr; // NOLINT
// NOLINTNEXTLINE(factoryguard-static-singleton)
WebSocketManager *g_suppressed_next = nullptr;
WebSocketManager *g_other_rule = nullptr; // NOLINT(factoryguard-null-context)
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'g_other_rule' has static storage duration [factoryguard-static-singleton]
// NOLINTBEGIN(factoryguard-*)
WebSocketManager *g_region_a = nullptr;
WebSocketManager *g_region_b = nullptr;
// NOLINTEND(factoryguard-*)
WebSocketManager *g_after_region = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'g_after_region' has static storage duration [factoryguard-static-singleton]
} // namespace app
