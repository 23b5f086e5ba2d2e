// The collector (and simulate) as their own process, for the tests that
// kill it: the same entry points the CLI's `omotenashi serve|simulate` call.
#include <string>

#include "commands.h"

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "simulate") return omo::simulate::run(argc, argv);
  return omo::serve::run(argc, argv);
}
