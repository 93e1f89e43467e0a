#include <app/legacy.h>
#include <netra/netra.h>

void legacy_work() {
#ifdef OTHER_CALLS_FACTORY
  (void)netra::get_websocket_manager();
#endif
}
