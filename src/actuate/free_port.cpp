#include "actuate/free_port.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace userscale::actuate {

Result<int> free_loopback_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io);
  boost::system::error_code ec;
  const boost::asio::ip::tcp::endpoint ep(boost::asio::ip::address_v4::loopback(), 0);
  a.open(ep.protocol(), ec);
  if (!ec) a.bind(ep, ec);
  if (ec) return Error{"free port", ec.message()};
  return static_cast<int>(a.local_endpoint().port());
}

}  // namespace userscale::actuate
