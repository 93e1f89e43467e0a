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

} // namespace chat
