#pragma once
#include "chat/context.h"

#include <memory>
#include <string>

namespace chat {

// The connections agent events go out on; one per process.
class ConnectionPool {
public:
  void send(const std::string &user_id, const std::string &event) {
    (void)user_id;
    (void)event;
  }
};

// A user's event stream: request-scoped, like the WebSocket manager.
class EventBridge {
public:
  EventBridge(ConnectionPool *pool, const UserExecutionContext &ctx)
      : pool_(pool), user_id_(ctx.user_id) {}
  void emit(const std::string &event) {
    if (pool_) // not set up: the event is dropped, silently
      pool_->send(user_id_, event);
  }

private:
  ConnectionPool *pool_;
  std::string user_id_;
};

// Must be set up once, at start-up, with the pool (configure) before it can
// make bridges; a factory never set up makes bridges that send nothing.
class EmitterFactory {
public:
  void configure(ConnectionPool *pool) { pool_ = pool; }
  std::unique_ptr<EventBridge> create_user_emitter(const UserExecutionContext &ctx) {
    return std::make_unique<EventBridge>(pool_, ctx);
  }

private:
  ConnectionPool *pool_ = nullptr;
};

// Process-wide factories (src/registry.cpp).
extern EmitterFactory g_agent_events;    // set up in boot::start_services
extern EmitterFactory g_presence_events; // the typing indicator's

} // namespace chat
