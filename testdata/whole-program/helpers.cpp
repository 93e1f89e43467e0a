#include "web.h"

namespace web {
void render_reply() { auto m = make_manager(); }
void render_banner() { auto m = make_manager(); }
void render_stored() { auto m = make_manager(); }
void walk_a(int n) {
  auto m = make_manager();
  if (n)
    walk_b(n - 1);
}
void walk_b(int n) {
  if (n)
    walk_a(n - 1);
}
void Page::draw() { auto m = make_manager(); }
} // namespace web
