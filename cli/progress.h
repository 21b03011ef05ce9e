// A one-line progress bar with an ETA on stderr, drawn only when stderr is a terminal.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>

namespace ktwin::cli {

// The line without its leading '\r': "[#####...............]  25%  10/40 runs  2.5 runs/s  ETA 12s".
// `unit` empty leaves out the count and the rate (ktwin run shows virtual time as a fraction only).
// Pure: the text depends on its arguments alone. The ETA assumes the rate so far holds ("ETA ?"
// before anything is done).
std::string format_progress(double done, double total, double elapsed_s, const std::string& unit);

// Redraws the line with '\r' at most 10 times a second; finish() erases it. Thread-safe: sweep
// workers call update() concurrently. Writes nothing at all unless `fd` is a terminal (isatty), so
// logs and pipes stay clean; nor before `delay` has passed, so short runs print nothing.
class Progress {
 public:
  Progress(int fd, std::ostream& out, double total, std::string unit,
           std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  ~Progress() { finish(); }
  // Sets the amount done (absolute, not an increment).
  void update(double done);
  // Counts one more done.
  void add_one();
  void finish();
  // Erases the line if it is drawn; the next update() draws it again. For text about to be printed
  // on the same terminal (ProgressAwareBuf).
  void erase();
  bool enabled() {
    std::lock_guard<std::mutex> lock(mu_);
    return enabled_;
  }

 private:
  void draw_locked(double done, bool force);
  void erase_locked();

  std::mutex mu_;
  bool enabled_;
  std::ostream& out_;
  double total_, done_ = 0;
  std::string unit_;
  std::chrono::milliseconds delay_;
  std::chrono::steady_clock::time_point start_, last_draw_{};
  size_t drawn_width_ = 0;  // characters on the line now, to erase
};

// Sits in front of another stream buffer (stdout's) and erases the progress line before passing any
// text on, so lines printed on the bar's terminal scroll above it. Calls come from one thread.
class ProgressAwareBuf : public std::streambuf {
 public:
  ProgressAwareBuf(std::streambuf* target, Progress& progress) : target_(target), progress_(progress) {}

 protected:
  int overflow(int c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override { return target_->pubsync(); }

 private:
  std::streambuf* target_;
  Progress& progress_;
};

// Progress on stderr (fd 2).
Progress stderr_progress(double total, std::string unit, std::chrono::milliseconds delay = {});

}  // namespace ktwin::cli
