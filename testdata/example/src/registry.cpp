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

} // namespace chat
