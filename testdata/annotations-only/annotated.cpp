// Annotations only: no .factoryguard.yaml anywhere above this directory
// (the test copies it to a temporary directory before running).
#include "factoryguard/annotations.h"

#include <memory>

namespace chat {
class FACTORYGUARD_CONTEXT RequestContext {};
class FACTORYGUARD_MANAGER Emitter {};
class [[clang::annotate("factoryguard::manager")]] RawSpelledManager {};
class PlainHelper {};

std::unique_ptr<Emitter> g_emitter;
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'g_emitter' has static storage duration and holds request-scoped 'chat::Emitter' [factoryguard-static-singleton]
RawSpelledManager *g_raw = nullptr;
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'g_raw' has static storage duration and holds request-scoped 'chat::RawSpelledManager' [factoryguard-static-singleton]
std::unique_ptr<PlainHelper> g_helper;
// A factory class by annotation: FACTORYGUARD_SETUP makes it one,
// FACTORYGUARD_REQUIRED names the setup argument that must not be null.
class ConnectionPool {};
class EmitterFactory {
public:
  FACTORYGUARD_SETUP void init(FACTORYGUARD_REQUIRED ConnectionPool *pool,
                               ConnectionPool *backup);
  FACTORYGUARD_FACTORY std::unique_ptr<Emitter> make(const RequestContext &ctx);
};
void boot(EmitterFactory &factory, ConnectionPool *pool) {
  factory.init(nullptr, nullptr);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'init' sets up 'chat::EmitterFactory' with a null 'pool': 'nullptr' passed as a required argument; the managers it makes would silently do nothing [factoryguard-unconfigured-factory]
  factory.init(pool, nullptr); // compliant twin: backup is optional
}
void handle(const RequestContext &ctx, ConnectionPool *pool) {
  EmitterFactory unset;
  auto a = unset.make(ctx);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'make' called on 'unset' before it is set up: no call of 'init' on it precedes this one in 'chat::handle' [factoryguard-unconfigured-factory]
  EmitterFactory set; // compliant twin
  set.init(pool, nullptr);
  auto b = set.make(ctx);
}
} // namespace chat

// A context source by annotation may create the contexts it hands out; the
// same creation anywhere else is made up (factoryguard-fabricated-context).
namespace chat {
FACTORYGUARD_FACTORY std::unique_ptr<Emitter> open_emitter(const RequestContext &ctx);
FACTORYGUARD_CONTEXT_SOURCE RequestContext accept_request() {
  RequestContext ctx;
  auto e = open_emitter(ctx);
  return ctx;
}
void warm_up() {
  RequestContext ctx;
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: made-up RequestContext 'ctx' reaches 'open_emitter' in 'chat::warm_up' [factoryguard-fabricated-context]
  // CHECK-NOTES: :[[@LINE-2]]:18: note: no other RequestContext is in scope here
  auto e = open_emitter(ctx);
  // CHECK-NOTES: :[[@LINE-1]]:12: note: 'open_emitter' receives it here
}
} // namespace chat
