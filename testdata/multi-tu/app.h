#pragma once
#include "netra/netra.h"
#include <functional>
#include <string>

namespace app {
void start_services();                 // startup.cpp
void load_agents();                    // agents.cpp
struct Preloader {                     // preloader.cpp
  Preloader();
};
using Handler = std::function<void(const netra::UserExecutionContext &)>;
void on(const std::string &path, Handler h);
void serve(const netra::UserExecutionContext &ctx); // agents.cpp
} // namespace app
