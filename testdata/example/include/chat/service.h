#pragma once
#include "chat/context.h"
#include "chat/events.h"

#include <functional>
#include <map>
#include <string>

namespace chat {

struct AgentService {
  std::shared_ptr<WebSocketManager> ws_manager_;
  int max_turns_ = 8;
};

AgentService make_agent_service();

class Router {
public:
  using Handler = std::function<void(const UserExecutionContext &)>;
  void on(const std::string &path, Handler h) { routes_[path] = std::move(h); }
  void dispatch(const std::string &path);

private:
  std::map<std::string, Handler> routes_;
};

namespace boot {
void start_services(Router &router);
}

void on_chat_message(const UserExecutionContext &ctx, const std::string &text);
void on_agent_reply(const UserExecutionContext &ctx, const std::string &text);

} // namespace chat
