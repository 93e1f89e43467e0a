#pragma once
#include <memory>
#include <string>

namespace chat {

// Proves that code runs inside one user's request.
struct UserExecutionContext {
  std::string user_id;
  std::string thread_id;
};

class WebSocketManager {
public:
  explicit WebSocketManager(const UserExecutionContext *ctx) : ctx_(ctx) {}
  void emit(const std::string &event) { (void)event; }

private:
  const UserExecutionContext *ctx_;
};

class AgentBridge {
public:
  explicit AgentBridge(std::shared_ptr<WebSocketManager> ws) : ws_(std::move(ws)) {}

private:
  std::shared_ptr<WebSocketManager> ws_;
};

// The request-scoped factories. The default argument is the incident: code
// migrated from the old singleton kept calling get_websocket_manager().
std::shared_ptr<WebSocketManager>
get_websocket_manager(const UserExecutionContext *ctx = nullptr);
std::unique_ptr<AgentBridge> create_agent_bridge(const UserExecutionContext &ctx);

} // namespace chat
