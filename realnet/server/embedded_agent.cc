#include "realnet/server/embedded_agent.h"

#include <boost/asio/executor_work_guard.hpp>

namespace ktwin::realnet {

EmbeddedAgent::~EmbeddedAgent() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

void EmbeddedAgent::request_stop() {
  *cancelled_ = true;
  io_.stop();
}

void EmbeddedAgent::start() {
  options_.cancelled = cancelled_;
  thread_ = std::thread([this] {
    Agent agent(io_, options_, log_);
    // start() joins first: the server's listener is up, so this returns once credentials are in.
    if (auto s = agent.start(); !s.is_ok()) {
      log_("the server's own node did not start: " + s.message());
      return;
    }
    auto work = boost::asio::make_work_guard(io_);
    if (!*cancelled_) io_.run();
    agent.stop();
  });
}

}  // namespace ktwin::realnet
