#include "web.h"

namespace web {
void boot() { render_banner(); }
} // namespace web
