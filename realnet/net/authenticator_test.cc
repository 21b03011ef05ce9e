#include "realnet/net/authenticator.h"

#include <catch2/catch.hpp>

using ktwin::realnet::Authenticator;
using ktwin::realnet::PeerCertificate;
using ktwin::realnet::UserInfo;

TEST_CASE("Authenticator prefers the certificate, then the token table, else anonymous", "[authenticator]") {
  Authenticator auth({{"tok", UserInfo{"bob", {"ops"}}}});
  PeerCertificate node{"system:node:w1", {"system:nodes"}};
  UserInfo by_cert = auth.authenticate(node, "Bearer tok");
  CHECK(by_cert.name == "system:node:w1");
  CHECK(by_cert.groups == std::vector<std::string>{"system:nodes", "system:authenticated"});
  UserInfo by_token = auth.authenticate(std::nullopt, "bearer tok");
  CHECK(by_token.name == "bob");
  CHECK(by_token.groups == std::vector<std::string>{"ops", "system:authenticated"});
  CHECK_FALSE(auth.authenticate(std::nullopt, "Bearer nope").authenticated());
  CHECK_FALSE(auth.authenticate(std::nullopt, "Basic dG9rOg==").authenticated());
  CHECK_FALSE(auth.authenticate(std::nullopt, "").authenticated());
  CHECK(Authenticator::bearer_token("Bearer  abc ") == "abc");
}
