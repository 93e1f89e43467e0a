#include "chat/service.h"

#include <map>

namespace chat {

// The old process-wide singleton, still holding a manager through the agent
// service: every user's events go through one object.
AgentService &agent_service_instance() {
  static AgentService instance;
  return instance;
}

// App-scoped state that holds no manager is fine.
std::map<std::string, int> g_rate_limits;

// The emitter factories (chat/events.h): set up at start-up, they make one
// bridge per request.
EmitterFactory g_agent_events;
EmitterFactory g_presence_events;

// The migration's shortcut ("remove the system context creation hack"): a
// compatibility wrapper for callers that have no context yet falls back to
// a made-up "system" context, kept for the whole process.
std::shared_ptr<WebSocketManager>
compat_websocket_manager(const UserExecutionContext *ctx) {
  static const UserExecutionContext system_ctx{"system", ""};
  if (!ctx)
    ctx = &system_ctx;
  return get_websocket_manager(ctx);
}

} // namespace chat
