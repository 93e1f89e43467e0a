#include "app.h"
// Does not compile: the whole-program run must report it and go on.
namespace app { void broken() { undefined_function(); } }
