#include "realnet/proxy/tcp_splice.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

namespace ktwin::realnet {

void TcpSplice::start(tcp::socket a, tcp::socket b, std::string first_to_b) {
  auto splice = std::make_shared<TcpSplice>(std::move(a), std::move(b));
  splice->prefix_ = std::move(first_to_b);
  if (splice->prefix_.empty()) {
    splice->pump(splice->a_, splice->b_, splice->a_to_b_);
  } else {
    boost::asio::async_write(splice->b_, boost::asio::buffer(splice->prefix_),
                             [splice](boost::system::error_code ec, size_t) {
                               if (ec) return splice->finish(splice->b_, splice->a_to_b_);
                               splice->pump(splice->a_, splice->b_, splice->a_to_b_);
                             });
  }
  splice->pump(splice->b_, splice->a_, splice->b_to_a_);
}

void TcpSplice::pump(tcp::socket& from, tcp::socket& to, Direction& dir) {
  auto self = shared_from_this();
  from.async_read_some(boost::asio::buffer(dir.buffer), [this, self, &from, &to, &dir](boost::system::error_code ec, size_t n) {
    if (ec) return finish(to, dir);
    boost::asio::async_write(to, boost::asio::buffer(dir.buffer.data(), n),
                             [this, self, &from, &to, &dir](boost::system::error_code ec, size_t) {
                               if (ec) return finish(to, dir);
                               pump(from, to, dir);
                             });
  });
}

void TcpSplice::finish(tcp::socket& to, Direction& dir) {
  if (dir.done) return;
  dir.done = true;
  boost::system::error_code ignored;
  to.shutdown(tcp::socket::shutdown_send, ignored);
  if (a_to_b_.done && b_to_a_.done) {
    a_.close(ignored);
    b_.close(ignored);
  }
}

}  // namespace ktwin::realnet
