// The progress line's text, and its silence when stderr is not a terminal.
#include "cli/progress.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sstream>

namespace ktwin::cli {
namespace {

TEST_CASE("progress text shows the bar, count, rate and ETA", "[progress]") {
  // 10 of 40 in 4 s: 2.5 runs/s, 30 left, so 12 s to go.
  CHECK(format_progress(10, 40, 4, "runs") == "[#####...............]  25%  10/40 runs  2.5 runs/s  ETA 12s");
  CHECK(format_progress(0, 40, 0, "runs") == "[....................]   0%  0/40 runs  ETA ?");
  CHECK(format_progress(40, 40, 75, "runs") ==
        "[####################] 100%  40/40 runs  0.5 runs/s  done in 1m15s");
  // Without a unit only the fraction: ktwin run's virtual time. 300 of 1200 virtual s in 1 s wall.
  CHECK(format_progress(300, 1200, 1, "") == "[#####...............]  25%  ETA 3s");
  // Long ETAs read as Go durations.
  CHECK(format_progress(1, 1000, 10, "runs") ==
        "[....................]   0%  1/1000 runs  0.1 runs/s  ETA 2h46m30s");
}

TEST_CASE("progress writes nothing when the descriptor is not a terminal", "[progress]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::ostringstream out;
  {
    Progress p(fds[1], out, 3, "runs");
    CHECK_FALSE(p.enabled());
    p.add_one();
    p.update(2);
    p.add_one();
    p.finish();
  }
  CHECK(out.str().empty());
  close(fds[0]);
  close(fds[1]);
}

TEST_CASE("progress on a terminal redraws with a carriage return and erases the line at the end",
          "[progress]") {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) {  // a container without /dev/ptmx: nothing to draw on
    WARN("no pseudo-terminal available; the terminal case is not checked");
    return;
  }
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  int terminal = open(ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(terminal >= 0);
  std::ostringstream out;
  {
    Progress p(terminal, out, 2, "runs");
    CHECK(p.enabled());
    p.add_one();  // first draw
    p.add_one();  // the last one is always drawn, however soon
    p.finish();
  }
  std::string text = out.str();
  CHECK(text.rfind("\r[##########..........]  50%  1/2 runs", 0) == 0);
  CHECK(text.find("\r[####################] 100%  2/2 runs") != std::string::npos);
  // Ends with the line blanked and the cursor back at column 0.
  REQUIRE(text.size() > 2);
  CHECK(text.back() == '\r');
  CHECK(text[text.size() - 2] == ' ');
  close(terminal);
  close(master);
}

TEST_CASE("text printed through ProgressAwareBuf erases the bar first; the next update redraws it", "[progress]") {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) {
    WARN("no pseudo-terminal available; the terminal case is not checked");
    return;
  }
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  int terminal = open(ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(terminal >= 0);
  std::ostringstream screen;  // one terminal: the bar and the text land in the same place
  {
    Progress p(terminal, screen, 4, "");
    ProgressAwareBuf buf(screen.rdbuf(), p);
    std::ostream text(&buf);
    p.update(1);
    text << "[+5m0s] node/worker2 halted\n";
    p.update(2);  // drawn again at once: the line was erased, so no rate limit applies
    p.finish();
  }
  std::string bar = "[#####...............]  25%  ETA ";
  std::string erase = "\r" + std::string(bar.size() + 2, ' ') + "\r";  // "ETA 0s": the bar's whole width
  std::string out = screen.str();
  CHECK(out.rfind("\r" + bar, 0) == 0);
  CHECK(out.find(erase + "[+5m0s] node/worker2 halted\n\r[##########..........]  50%") != std::string::npos);
  close(terminal);
  close(master);
}

}  // namespace
}  // namespace ktwin::cli
