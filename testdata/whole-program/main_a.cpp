#include "web.h"

int main() {
  web::run_a();
  return 0;
}
