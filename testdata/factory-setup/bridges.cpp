#include "bridges.h"

namespace app {
netra::WebSocketBridgeFactory g_bridges;
netra::WebSocketBridgeFactory Emitters::factory;
} // namespace app
