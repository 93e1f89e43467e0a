#include "app.h"

namespace app {
void load_agents() {
  auto manager = netra::get_websocket_manager(nullptr);
}
void serve(const netra::UserExecutionContext &ctx) {
  auto manager = netra::get_websocket_manager(&ctx);
}
} // namespace app
