#include "app.h"

int main() {
  // Run per request, with its own context: compliant, never chained.
  app::on("/ws", [](const netra::UserExecutionContext &ctx) { app::serve(ctx); });
  app::start_services();
  return 0;
}
