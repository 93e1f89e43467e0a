#include "app.h"

namespace app {
void warm_cache() {
  netra::UserExecutionContext system_ctx{"system"};
  auto m = netra::create_websocket_manager(&system_ctx);
  m->send("warm");
}
void start_services() { warm_cache(); }
} // namespace app
