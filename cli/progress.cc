// The progress line: a pure formatter and a rate-limited, tty-only drawer.
#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/util/time.h"

namespace ktwin::cli {
namespace {

constexpr int kBarWidth = 20;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);  // at most 10 redraws a second

// Whole seconds as Go prints them ("12s", "3m5s", "1h0m0s"): an ETA needs no fractions.
std::string eta_text(double seconds) {
  return core::format_go_duration(std::chrono::seconds(std::llround(std::max(0.0, seconds))));
}

}  // namespace

std::string format_progress(double done, double total, double elapsed_s, const std::string& unit) {
  double fraction = total > 0 ? std::clamp(done / total, 0.0, 1.0) : 1.0;
  int filled = static_cast<int>(std::floor(fraction * kBarWidth));
  std::ostringstream s;
  s << "[" << std::string(filled, '#') << std::string(kBarWidth - filled, '.') << "] " << std::setw(3)
    << static_cast<int>(std::floor(fraction * 100)) << "%";
  if (!unit.empty()) {
    s << "  " << std::llround(done) << "/" << std::llround(total) << " " << unit;
    if (elapsed_s > 0 && done > 0)
      s << "  " << std::fixed << std::setprecision(1) << done / elapsed_s << " " << unit << "/s";
  }
  if (fraction >= 1.0)
    s << "  done in " << eta_text(elapsed_s);
  else if (done <= 0 || elapsed_s <= 0)
    s << "  ETA ?";
  else
    s << "  ETA " << eta_text(elapsed_s * (total - done) / done);
  return s.str();
}

Progress::Progress(int fd, std::ostream& out, double total, std::string unit, std::chrono::milliseconds delay)
    : enabled_(isatty(fd) == 1),
      out_(out),
      total_(total),
      unit_(std::move(unit)),
      delay_(delay),
      start_(std::chrono::steady_clock::now()) {}

void Progress::update(double done) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!enabled_) return;
  done_ = done;
  draw_locked(done_, false);
}

void Progress::add_one() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!enabled_) return;
  done_ += 1;
  draw_locked(done_, done_ >= total_);
}

void Progress::draw_locked(double done, bool force) {
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < delay_) return;
  if (!force && drawn_width_ > 0 && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  std::string line =
      format_progress(done, total_, std::chrono::duration<double>(now - start_).count(), unit_);
  // Pad over a longer previous line rather than clearing first: one write, no flicker.
  size_t width = line.size();
  if (drawn_width_ > width) line += std::string(drawn_width_ - width, ' ');
  out_ << '\r' << line << std::flush;
  drawn_width_ = width;
}

void Progress::erase_locked() {
  if (drawn_width_ > 0) out_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
  drawn_width_ = 0;
}

void Progress::erase() {
  std::lock_guard<std::mutex> lock(mu_);
  if (enabled_) erase_locked();
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!enabled_) return;
  erase_locked();
  enabled_ = false;  // one bar per object: nothing after the line is cleared
}

int ProgressAwareBuf::overflow(int c) {
  if (c == traits_type::eof()) return traits_type::not_eof(c);
  progress_.erase();
  return target_->sputc(static_cast<char>(c));
}

std::streamsize ProgressAwareBuf::xsputn(const char* s, std::streamsize n) {
  progress_.erase();
  return target_->sputn(s, n);
}

Progress stderr_progress(double total, std::string unit, std::chrono::milliseconds delay) {
  return Progress(STDERR_FILENO, std::cerr, total, std::move(unit), delay);
}

}  // namespace ktwin::cli
