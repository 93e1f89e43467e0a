// The request-scoped architecture the rule testdata is written against.
#pragma once
#include <memory>
#include <optional>
#include <string>

namespace netra {

struct UserExecutionContext {
  std::string user_id;
};

class WebSocketManager {
public:
  explicit WebSocketManager(const UserExecutionContext *ctx) : ctx_(ctx) {}
  virtual ~WebSocketManager() = default;
  void send(const std::string &) {}

private:
  const UserExecutionContext *ctx_;
};

class BetaWebSocketManager : public WebSocketManager {
public:
  using WebSocketManager::WebSocketManager;
};

// Matched by "regex:netra::.*Bridge".
class AgentBridge {};
// Not matched: the regex must match the whole name.
class AgentBridgeConfig {};

std::unique_ptr<WebSocketManager>
create_websocket_manager(const UserExecutionContext *ctx);
std::shared_ptr<WebSocketManager>
get_websocket_manager(const UserExecutionContext *ctx = nullptr);
std::unique_ptr<AgentBridge> make_bridge(const UserExecutionContext &ctx);
std::unique_ptr<AgentBridge> adopt_bridge(std::unique_ptr<UserExecutionContext> ctx);
std::unique_ptr<AgentBridge> copy_bridge(UserExecutionContext ctx);
// A second context type: messages name the factory's own one.
struct AdminContext : UserExecutionContext {};
std::unique_ptr<AgentBridge> make_admin_bridge(const AdminContext *ctx);

class ConnectionPool {};
class HealthMonitor {};

// A factory class (factory-setup in the configuration: set up with
// configure, whose argument 0 is required): configured with a null pool, or
// not at all, it makes emitters that silently send nothing.
class WebSocketBridgeFactory {
public:
  void configure(ConnectionPool *connection_pool,
                 HealthMonitor *health_monitor = nullptr);
  void configure(std::shared_ptr<ConnectionPool> connection_pool);
  // context-param: 1 in the configuration.
  std::unique_ptr<AgentBridge>
  create_user_emitter(const std::string &name,
                      std::shared_ptr<UserExecutionContext> ctx);
  bool configured() const;
};
// Set up with a pool that defaults to null (the Python original's
// `configure(connection_pool=None)`).
class LazyBridgeFactory {
public:
  void configure(ConnectionPool *connection_pool = nullptr);
  std::unique_ptr<AgentBridge> create(const UserExecutionContext &ctx);
};

class ManagerFactory {
public:
  virtual ~ManagerFactory() = default;
  virtual std::unique_ptr<WebSocketManager>
  create(std::optional<UserExecutionContext> ctx) = 0;
};

// A context class whose own method is a factory (a framework's request that
// makes its response: cpprestsdk's http_request::reply).
struct ChatRequest {
  std::string path;
  std::unique_ptr<WebSocketManager> reply(int status) const;
};

// Overloads under one configured name: one takes the context, the other
// builds a context itself and forwards (cpp-httplib's Client::send).
std::unique_ptr<WebSocketManager> open_session(const UserExecutionContext &ctx);
std::unique_ptr<WebSocketManager> open_session(const std::string &user_id);

class Router {
public:
  void dispatch(const std::string &path);
};

// Where requests begin: authenticates a request and builds its context
// (`context-sources` in the configuration).
namespace auth {
UserExecutionContext context_from_request(const std::string &token);
} // namespace auth

void startup();
namespace boot {
void load_plugins();
}

// A holder template (`holders` in the configuration): it keeps its object in
// raw storage, so no data member shows what it holds.
template <typename T> class RawSlot {
public:
  T *get() { return reinterpret_cast<T *>(storage_); }

private:
  alignas(T) unsigned char storage_[sizeof(T)];
};

} // namespace netra
