#include "web.h"

namespace web {
void run_a() { auto m = make_manager(); }
} // namespace web
