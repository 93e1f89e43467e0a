// Every rule on: NOLINT for one rule leaves the other rule's finding on the
// same line.
#include "netra/netra.h"

namespace app {
void start() {
  auto m = netra::create_websocket_manager(nullptr); // NOLINT(factoryguard-request-scope)
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: 'create_websocket_manager' called with a null context [factoryguard-null-context]
  // CHECK-NOTES: :[[@LINE-2]]:44: note: no UserExecutionContext is in scope here; pass the request's context down to this function
  auto n = netra::create_websocket_manager(nullptr); // NOLINT(factoryguard-null-context)
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'create_websocket_manager' called in 'app::start' [factoryguard-request-scope]
  auto o = netra::create_websocket_manager(nullptr); // NOLINT
}
} // namespace app
