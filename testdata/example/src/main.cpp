#include "chat/service.h"

int main() {
  chat::Router router;
  // Compliant: runs per request, with the request's context.
  router.on("/chat", [](const chat::UserExecutionContext &ctx) {
    chat::on_chat_message(ctx, "hello");
  });
  chat::boot::start_services(router);
  return 0;
}
