#include "chat/service.h"

namespace chat {

// The staging outage: built at start-up, it asks for "the" WebSocket
// manager with no context at all.
AgentService make_agent_service() {
  AgentService service;
  service.ws_manager_ = get_websocket_manager();
  return service;
}

} // namespace chat
