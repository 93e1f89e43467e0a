#include "chat/service.h"

namespace chat {

void on_chat_message(const UserExecutionContext &ctx, const std::string &text) {
  // Agent events lost for beta users: the manager was cached in a static the
  // first time, with the first user's context.
  static std::shared_ptr<WebSocketManager> cached = get_websocket_manager(&ctx);
  cached->emit(text);

  // Compliant: per request.
  auto bridge = create_agent_bridge(ctx);
  auto manager = get_websocket_manager(&ctx);
  manager->emit(text);
}

void on_typing(const UserExecutionContext &ctx) {
  // Forgot the context: the default nullptr is used.
  auto manager = get_websocket_manager();
  manager->emit("typing");
  // Nothing in the program sets up g_presence_events: "typing" never arrives.
  g_presence_events.create_user_emitter(ctx)->emit("typing");
}

void Router::dispatch(const std::string &path) {
  UserExecutionContext ctx{"user-1", "thread-1"};
  auto it = routes_.find(path);
  if (it != routes_.end())
    it->second(ctx);
}

void on_agent_reply(const UserExecutionContext &ctx, const std::string &text) {
  // Compliant: per request, from a factory set up at start-up.
  auto events = g_agent_events.create_user_emitter(ctx);
  events->emit(text);
}

} // namespace chat
