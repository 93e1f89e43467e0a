#include "web.h"

namespace web {
void handle_chat(const netra::UserExecutionContext &ctx) {
  render_reply();
  render_banner();
  walk_a(2);
}
void handle_store(const netra::UserExecutionContext &) {
  render_stored();
  store(render_stored);
}
void handle_page(const netra::UserExecutionContext &, Page &page) { page.draw(); }
} // namespace web
