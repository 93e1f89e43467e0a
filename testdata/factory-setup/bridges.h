#pragma once
#include "netra/netra.h"

namespace app {
// Set up in boot.cpp, used in handlers.cpp.
extern netra::WebSocketBridgeFactory g_bridges;
struct Emitters {
  // Used in handlers.cpp, set up nowhere.
  static netra::WebSocketBridgeFactory factory;
};
} // namespace app
