#include "app.h"

namespace app {
Preloader::Preloader() { auto manager = netra::create_websocket_manager(nullptr); }
} // namespace app
