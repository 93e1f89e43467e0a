#include "web.h"

int main() {
  web::run_b();
  return 0;
}
