// Included by main.cpp and helper.cpp, not by the other units.
#pragma once
#include <app/config.h>
#include <netra/netra.h>

namespace app {
void helper();

inline void header_work() {
#if APP_HEADER_CALLS_FACTORY
  (void)netra::get_websocket_manager(); // the header's own finding
#endif
}
} // namespace app
