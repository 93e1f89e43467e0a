#include "app.h"

int main() {
  app::start_services();
  app::handle(app::authenticate("token"));
}
