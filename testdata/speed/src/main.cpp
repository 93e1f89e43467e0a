#include <app/service.h>

int main() {
  app::helper();
  app::header_work();
}
