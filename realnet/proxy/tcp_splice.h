// Copies bytes both ways between two connected TCP sockets until either side closes.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

namespace ktwin::realnet {

// Keeps itself alive (shared_from_this) while data flows; when one direction ends, the other is
// shut down for writing so half-closes propagate, and both sockets close once both ends are done.
class TcpSplice : public std::enable_shared_from_this<TcpSplice> {
 public:
  using tcp = boost::asio::ip::tcp;
  // `first_to_b` is sent to `b` before anything read from `a` (bytes the caller already read).
  static void start(tcp::socket a, tcp::socket b, std::string first_to_b = {});

  TcpSplice(tcp::socket a, tcp::socket b) : a_(std::move(a)), b_(std::move(b)) {}

 private:
  struct Direction {
    std::array<char, 16384> buffer;
    bool done = false;
  };
  void pump(tcp::socket& from, tcp::socket& to, Direction& dir);
  void finish(tcp::socket& to, Direction& dir);

  tcp::socket a_, b_;
  Direction a_to_b_, b_to_a_;
  std::string prefix_;
};

}  // namespace ktwin::realnet
