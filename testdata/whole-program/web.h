#pragma once
#include "netra/netra.h"
#include <functional>
#include <memory>

namespace web {
// A factory without a context parameter (configured).
std::unique_ptr<netra::WebSocketManager> make_manager();

// helpers.cpp
void render_reply();   // called only from handlers (handlers.cpp)
void render_banner();  // also called from start-up (boot.cpp)
void render_stored();  // its address goes into a std::function
void walk_a(int n);    // walk_a and walk_b call each other; only handlers
void walk_b(int n);    // call walk_a
struct Page {
  virtual ~Page() = default;
  virtual void draw(); // called through the vtable
};

void store(std::function<void()> task);
void boot(); // start-up (configured)

// Two programs in one repository: tool_a.cpp and tool_b.cpp.
void run_a();
void run_b();
} // namespace web
