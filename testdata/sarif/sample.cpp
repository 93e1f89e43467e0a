// Source for the SARIF reporter tests (tests/SarifTest.cpp). The findings
// are synthetic: the test places them on these lines by searching for the
// text, and golden.sarif records the result. Non-ASCII text precedes some
// findings on their line so that UTF-16 columns differ from byte columns.
#include <memory>

namespace netra {
struct UserExecutionContext {};
struct WebSocketManager {};
WebSocketManager *create_websocket_manager(const UserExecutionContext *Ctx);
WebSocketManager *get_websocket_manager(const UserExecutionContext *Ctx = nullptr);
} // namespace netra

// Grüße: this manager is created before any request exists.
static netra::WebSocketManager *Global = netra::create_websocket_manager(nullptr);

const char *Greeting = "Grüße 👋"; netra::WebSocketManager *Late = netra::get_websocket_manager();

static netra::WebSocketManager *Cached = nullptr; // NOLINT(factoryguard-static-singleton)

void startup() { /* ü */ auto *M = netra::create_websocket_manager(nullptr); (void)M; }

void handle(const netra::UserExecutionContext &Ctx) {
  auto *M = netra::create_websocket_manager( &Ctx);
  (void)M;
}

int main() {
  startup();
  return 0;
}
