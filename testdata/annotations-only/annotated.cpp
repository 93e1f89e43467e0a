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
