#include "bridges.h"

namespace app {
void on_message(std::shared_ptr<netra::UserExecutionContext> ctx) {
  auto events = g_bridges.create_user_emitter("events", ctx);
  auto audit = Emitters::factory.create_user_emitter("audit", ctx);
}
} // namespace app
