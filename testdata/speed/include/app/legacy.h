// Included by legacy/other.cpp only: a manager kept in static storage.
#pragma once
#include <netra/netra.h>

namespace app {
inline netra::WebSocketManager *legacy_manager() {
  static netra::WebSocketManager *Kept = nullptr;
  return Kept;
}
} // namespace app
