// factoryguard annotations: mark request-scoped types and functions in code
// instead of (or in addition to) .factoryguard.yaml. Each macro expands to
// [[clang::annotate("factoryguard::<kind>")]]; code may spell that directly.
//
//   class FACTORYGUARD_CONTEXT UserExecutionContext { ... };
//   class FACTORYGUARD_MANAGER WebSocketManager { ... };
//   FACTORYGUARD_FACTORY std::unique_ptr<WebSocketManager>
//   create_websocket_manager(const UserExecutionContext *ctx);
//   FACTORYGUARD_STARTUP void startup();
//   FACTORYGUARD_REQUEST_ENTRY void Router::dispatch(const Request &);
#ifndef FACTORYGUARD_ANNOTATIONS_H
#define FACTORYGUARD_ANNOTATIONS_H

#if defined(__clang__)
#define FACTORYGUARD_ANNOTATE_(kind) [[clang::annotate("factoryguard::" kind)]]
#else
#define FACTORYGUARD_ANNOTATE_(kind)
#endif

#define FACTORYGUARD_CONTEXT FACTORYGUARD_ANNOTATE_("context")
#define FACTORYGUARD_MANAGER FACTORYGUARD_ANNOTATE_("manager")
#define FACTORYGUARD_FACTORY FACTORYGUARD_ANNOTATE_("factory")
#define FACTORYGUARD_STARTUP FACTORYGUARD_ANNOTATE_("startup")
#define FACTORYGUARD_REQUEST_ENTRY FACTORYGUARD_ANNOTATE_("request-entry")
// A method that sets up its factory class (SPEC §2
// factoryguard-unconfigured-factory); its class becomes a factory class.
#define FACTORYGUARD_SETUP FACTORYGUARD_ANNOTATE_("setup")
// A parameter of a setup method that must not be null.
#define FACTORYGUARD_REQUIRED FACTORYGUARD_ANNOTATE_("required")
// A function allowed to create a context from nothing, where requests
// begin (SPEC §1 "context source"; factoryguard-fabricated-context).
#define FACTORYGUARD_CONTEXT_SOURCE FACTORYGUARD_ANNOTATE_("context-source")

#endif
