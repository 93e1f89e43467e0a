// The start-up path of a service that made up a "system" context when its
// factory started to require one (the incident's "system context creation
// hack"), and the request path that builds real ones.
#pragma once
#include "netra/netra.h"
#include <string>

namespace app {
void start_services();                          // services.cpp
void warm_cache();                              // services.cpp
netra::UserExecutionContext authenticate(const std::string &token); // auth.cpp
void handle(const netra::UserExecutionContext &ctx);                // auth.cpp
} // namespace app
