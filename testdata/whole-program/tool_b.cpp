#include "web.h"

namespace web {
void run_b() { auto m = make_manager(); }
} // namespace web
