#include "bridges.h"

namespace app {
void boot(netra::ConnectionPool *pool) { g_bridges.configure(pool); }
} // namespace app
