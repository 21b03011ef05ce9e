// Codecs: Kubernetes documents decode into typed objects and encode back, unknown fields kept.
#include "core/api/codec.h"

#include <catch2/catch.hpp>

#include "core/api/node.h"
#include "core/api/service.h"
#include "core/api/workload.h"
#include "core/api/yaml.h"

using namespace ktwin::core;
using json = nlohmann::json;

namespace {
const char* kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: letschat
  labels: {name: letschat}
spec:
  replicas: 1
  selector:
    matchLabels: {name: letschat}
  template:
    metadata:
      labels: {name: letschat}
    spec:
      containers:
      - name: letschat
        image: sdelements/lets-chat
        livenessProbe: {httpGet: {path: /, port: 8080}}
        ports:
          - name: http-server
            containerPort: 8080
)";
}

TEST_CASE("a Deployment manifest decodes with Kubernetes field names", "[api]") {
  auto docs = parse_yaml_documents(kDeployment, "letschat.yaml");
  REQUIRE(docs.is_ok());
  REQUIRE(docs.value().size() == 1);
  auto obj = decode(docs.value()[0].doc);
  REQUIRE(obj.is_ok());
  auto d = as<Deployment>(obj.value());
  CHECK(d->metadata.name == "letschat");
  CHECK(d->desired_replicas() == 1);
  CHECK(d->spec.selector.to_string() == "name=letschat");
  REQUIRE(d->spec.template_.spec.containers.size() == 1);
  CHECK(d->spec.template_.spec.containers[0].image == "sdelements/lets-chat");
  CHECK(d->spec.template_.spec.containers[0].ports[0].containerPort == 8080);
}

TEST_CASE("unknown fields survive decode and encode", "[api]") {
  auto docs = parse_yaml_documents(kDeployment, "letschat.yaml");
  auto obj = decode(docs.value()[0].doc);
  REQUIRE(obj.is_ok());
  auto copy = mutable_copy(*as<Deployment>(obj.value()));
  copy->spec.replicas = 10;
  json out = encode(*copy);
  CHECK(out["spec"]["replicas"] == 10);
  CHECK(out["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["port"] == 8080);
  CHECK(out["apiVersion"] == "apps/v1");
  CHECK(out["kind"] == "Deployment");
}

TEST_CASE("wrong field types are rejected with the field's path", "[api]") {
  json doc = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}}},
              {"spec", {{"containers", {{{"name", "c"}, {"ports", {{{"containerPort", "eighty"}}}}}}}}}};
  auto obj = decode(doc);
  REQUIRE_FALSE(obj.is_ok());
  CHECK(obj.status().message() == "spec.containers[0].ports[0].containerPort: expected an integer");
  auto unknown = decode(json{{"kind", "Gizmo"}});
  CHECK(unknown.status().message() == "kind: unknown kind \"Gizmo\"");
}

TEST_CASE("Service and Ingress round trip", "[api]") {
  auto docs = parse_yaml_documents(R"(
apiVersion: v1
kind: Service
metadata: {name: letschat}
spec:
  type: NodePort
  ports: [{name: http, port: 8080, targetPort: http-server}]
  selector: {name: letschat}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ingress-letschat}
spec:
  rules:
  - host: www.letschat.com
    http:
      paths:
      - path: "/"
        pathType: Prefix
        backend: {service: {name: letschat, port: {number: 8080}}}
)", "x.yaml");
  REQUIRE(docs.is_ok());
  auto svc = as<Service>(decode(docs.value()[0].doc).value());
  CHECK(svc->spec.ports[0].targetPort->is_string);
  CHECK(svc->spec.ports[0].targetPort->str_value == "http-server");
  auto ing = as<Ingress>(decode(docs.value()[1].doc).value());
  REQUIRE(ing->rules.size() == 1);
  CHECK(ing->rules[0].paths[0].backend_service->port_number == 8080);
  auto copy = mutable_copy(*ing);
  copy->original.reset();  // encode from the typed fields alone
  json out = encode(*copy);
  CHECK(out["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["number"] == 8080);
}

TEST_CASE("YAML syntax errors name file, line and column", "[api]") {
  auto docs = parse_yaml_documents("a: [1, 2\nb: 3\n", "bad.yaml");
  REQUIRE_FALSE(docs.is_ok());
  CHECK(docs.status().message().rfind("bad.yaml:", 0) == 0);
}

TEST_CASE("label selectors parse, match and print", "[api]") {
  auto sel = LabelSelector::parse("name=mongo,tier in (db, cache),!canary");
  REQUIRE(sel);
  CHECK(sel->matches({{"name", "mongo"}, {"tier", "db"}}));
  CHECK_FALSE(sel->matches({{"name", "mongo"}, {"tier", "web"}}));
  CHECK_FALSE(sel->matches({{"name", "mongo"}, {"tier", "db"}, {"canary", "1"}}));
  CHECK(sel->to_string() == "name=mongo,tier in (db,cache),!canary");
  CHECK(LabelSelector{}.matches({{"any", "thing"}}));
  CHECK(parse_kind("deploy") == Kind::kDeployment);
  CHECK(parse_kind("deployments.apps") == Kind::kDeployment);
  CHECK(parse_kind("po") == Kind::kPod);
  CHECK_FALSE(parse_kind("widgets"));
}

TEST_CASE("errors inside a Deployment's spec carry the spec prefix", "[api]") {
  json doc = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "d"}}},
              {"spec", {{"replicas", "ten"}}}};
  CHECK(decode(doc).status().message() == "spec.replicas: expected an integer");
  doc["spec"] = {{"template", {{"spec", {{"containers", {{{"name", 5}}}}}}}}};
  CHECK(decode(doc).status().message() == "spec.template.spec.containers[0].name: expected a string");
}
