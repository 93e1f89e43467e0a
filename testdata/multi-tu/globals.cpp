#include "app.h"

namespace app {
// Runs before main: its constructor (preloader.cpp) calls the factory.
Preloader g_preloader;
} // namespace app
