#include "app.h"

namespace app {
void start_services() { load_agents(); }
} // namespace app
