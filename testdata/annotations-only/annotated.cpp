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
} // namespace chat
