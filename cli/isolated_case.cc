// Child processes for `ktwin test` cases, with the case sent back as one JSON document.
#include "cli/isolated_case.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

namespace ktwin::cli {
namespace {

nlohmann::json to_json(const JUnitCase& c) {
  return {{"name", c.name},       {"file", c.file},       {"seconds", c.seconds},
          {"outcome", static_cast<int>(c.outcome)}, {"message", c.message}, {"details", c.details}};
}

JUnitCase from_json(const nlohmann::json& j) {
  JUnitCase c;
  c.name = j.at("name");
  c.file = j.at("file");
  c.seconds = j.at("seconds");
  c.outcome = static_cast<JUnitCase::Outcome>(j.at("outcome").get<int>());
  c.message = j.at("message");
  c.details = j.at("details");
  return c;
}

JUnitCase died(const std::string& name, const std::string& file, const std::string& why) {
  JUnitCase c;
  c.name = name;
  c.file = file;
  c.outcome = JUnitCase::Outcome::kError;
  c.message = why;
  std::cout << "ERROR " << file << ": " << why << "\n";
  return c;
}

}  // namespace

JUnitCase run_isolated(const std::string& name, const std::string& file, const std::function<JUnitCase()>& run) {
  int fds[2];
  if (::pipe(fds) != 0) return run();  // no pipe: run in this process rather than not at all
  std::cout.flush();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return run();
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string answer = to_json(run()).dump();
    std::cout.flush();
    for (size_t done = 0; done < answer.size();) {
      ssize_t n = ::write(fds[1], answer.data() + done, answer.size() - done);
      if (n <= 0) ::_exit(3);
      done += static_cast<size_t>(n);
    }
    ::_exit(0);  // no atexit handlers or static destructors: the parent owns them
  }
  ::close(fds[1]);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return died(name, file, "crashed (signal " + std::to_string(WTERMSIG(status)) + ")");
  auto parsed = nlohmann::json::parse(answer, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    return died(name, file, "the test process exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result");
  return from_json(parsed);
}

}  // namespace ktwin::cli
