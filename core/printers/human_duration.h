// AGE cells: apimachinery's duration.HumanDuration, the rounding kubectl shows for every AGE column.
#pragma once

#include <string>

#include "core/util/time.h"

namespace ktwin::core::printers {

// "8s", "2m51s", "44m", "3h5m", "2d", "729d", "3y41d"; "0s" for -2s < d < 0, "<invalid>" below.
// k/k staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go HumanDuration.
std::string human_duration(Duration d);

}  // namespace ktwin::core::printers
