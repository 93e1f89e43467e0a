// The headers' part of a unit (issue 27, SPEC §9): in the language server
// this header is in main.cpp's preamble, analyzed once when the preamble is
// built; an edit's parse analyzes main.cpp and what main.cpp adds to this
// header's declarations. Each case below is a call edge the CLI's one
// traversal finds that only one of those parts holds: a chain from main()
// to a factory call in main.cpp runs through it.
#pragma once
#include "netra/netra.h"

namespace jobs {

void warm_up(); // main.cpp
void on_copy(); // main.cpp

// An inline function of the header: its edge to warm_up() is the header
// part's (the preamble's AST).
inline void boot_helper() { warm_up(); }

// A function template only main.cpp instantiates: the instantiation, and
// its edge to Job::run, exist only in the edit's parse.
template <class Job> void run_at_boot() { Job().run(); }

// A class template the header instantiates (the variable below) whose
// member main.cpp is the first to use: the member's body, and its edge to
// T::go, are made by the edit's parse inside the header's instantiation.
template <class T> struct Box {
  void open() { T::go(); }
};
struct Boot {
  static void go(); // main.cpp
};
inline Box<Boot> boot_box;

// A class main.cpp copies: its implicit copy constructor is defined by
// the edit's parse, and runs the member's copy constructor.
struct Session {
  Session() = default;
  Session(const Session &) { on_copy(); }
};
struct Holder {
  Session S;
};

// A default argument main.cpp is the first to use: the edit's parse
// instantiates it (the call to T::delay) at main.cpp's call.
template <class T> void schedule(int delay = T::delay()) { (void)delay; }

// A default member initializer main.cpp is the first to use: the edit's
// parse instantiates it (the call to T::fill) inside Slot<T>.
template <class T> struct Slot {
  int Value = T::fill();
};

// A generic lambda of the header that main.cpp calls: its call operator
// for main.cpp's argument is instantiated by the edit's parse.
inline auto each = [](auto job) { job.run(); };

// Compliant: every call passes the request's context.
template <class Job>
void run_per_request(const netra::UserExecutionContext &ctx) {
  Job().serve(ctx);
}

} // namespace jobs
