// The server's own node (unless --disable-agent): a whole `ktwin agent` on a thread of its own,
// joining through the server's HTTPS port on 127.0.0.1, as a k3s server runs its agent in-process.
// A separate io_context keeps the agent's blocking requests from stalling the server that answers them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "realnet/agent/agent.h"

namespace ktwin::realnet {

class EmbeddedAgent {
 public:
  using Log = std::function<void(const std::string&)>;  // called on the agent's thread
  EmbeddedAgent(AgentOptions options, Log log) : options_(std::move(options)), log_(std::move(log)) {}
  ~EmbeddedAgent();
  EmbeddedAgent(const EmbeddedAgent&) = delete;
  EmbeddedAgent& operator=(const EmbeddedAgent&) = delete;

  // Starts the thread; the agent joins (retrying while the server comes up) and runs until stopped.
  void start();
  // Asks the agent to stop without waiting (safe from any thread); the destructor waits for it.
  void request_stop();

 private:
  AgentOptions options_;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  Log log_;
  boost::asio::io_context io_;
  std::thread thread_;
};

}  // namespace ktwin::realnet
