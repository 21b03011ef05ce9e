// Everything kubectl-shaped ktwin prints: AGE, pod STATUS, tables and `kubectl get`.
#pragma once

#include "core/printers/human_duration.h"
#include "core/printers/kubectl_get.h"
#include "core/printers/pod_cells.h"
#include "core/printers/table.h"
