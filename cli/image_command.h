// `ktwin image import FILE.tar... [--data-dir DIR]` and `ktwin image ls [--data-dir DIR]`: the node's
// local images (realnet/runtime/image_store.h), since real mode cannot pull.
#pragma once

#include <string>
#include <vector>

namespace ktwin::cli {

// Exit status: 0 done, 2 bad usage, 1 an archive could not be imported (the reason on stderr).
int image_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
