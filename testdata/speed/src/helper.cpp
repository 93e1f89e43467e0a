#include <app/service.h>

// Reached from main in another unit: a chain across units.
void app::helper() { (void)netra::get_websocket_manager(); }
