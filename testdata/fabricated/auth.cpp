#include "app.h"

namespace app {
// A context source: where requests begin, it builds the request's context.
netra::UserExecutionContext authenticate(const std::string &token) {
  return netra::UserExecutionContext{token};
}
void handle(const netra::UserExecutionContext &ctx) {
  auto m = netra::create_websocket_manager(&ctx);
  m->send("hello");
}
} // namespace app
