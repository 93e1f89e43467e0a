#include "jobs.h"

namespace {
// Not a finding by itself: every chain below that reaches it is.
void local_start() {
  auto m = netra::get_websocket_manager(); // chain through run_at_boot<Starter>
  (void)m;
}
struct Starter {
  void run() { local_start(); }
};
struct Timer {
  static int delay() {
    auto m = netra::get_websocket_manager(); // chain through schedule<Timer>
    (void)m;
    return 1;
  }
};
struct Filler {
  static int fill() {
    auto m = netra::get_websocket_manager(); // chain through Slot<Filler>
    (void)m;
    return 2;
  }
};
struct Looper {
  void run() {
    auto m = netra::get_websocket_manager(); // chain through jobs::each
    (void)m;
  }
};
struct Echo {
  void serve(const netra::UserExecutionContext &ctx) {
    netra::create_websocket_manager(&ctx); // compliant: the request's context
  }
};
} // namespace

void jobs::warm_up() {
  auto m = netra::create_websocket_manager(nullptr); // chain through boot_helper
  (void)m;
}

void jobs::on_copy() {
  auto m = netra::get_websocket_manager(); // chain through Holder's copy
  (void)m;
}

void jobs::Boot::go() {
  auto m = netra::get_websocket_manager(); // chain through Box<Boot>::open
  (void)m;
}

int main() {
  jobs::run_at_boot<Starter>();
  jobs::boot_helper();
  jobs::boot_box.open();
  jobs::Holder A;
  jobs::Holder B = A;
  (void)B;
  jobs::schedule<Timer>();
  jobs::Slot<Filler> S;
  (void)S;
  jobs::each(Looper());
  netra::UserExecutionContext Ctx;
  jobs::run_per_request<Echo>(Ctx);
  return 0;
}
