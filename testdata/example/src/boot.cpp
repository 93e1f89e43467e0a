#include "chat/service.h"

namespace chat::boot {

// Start-up: no request exists here. The agent service it builds reaches the
// factory in another file (agent_service.cpp).
void start_services(Router &router) {
  AgentService agents = make_agent_service();
  (void)agents;
  (void)router;
  // The agent events' factory is set up here, once, before any request.
  static ConnectionPool pool;
  g_agent_events.configure(&pool);
}

} // namespace chat::boot
