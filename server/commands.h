// Entry points of the CLI's server-side subcommands. argv is either main's
// (argv[1] is "serve" / "simulate") or starts at the subcommand name; the
// options follow it. Each returns the process exit code and
// prints a one-line error on bad input (never throws, never crashes).
#pragma once

namespace omo {
namespace serve {
// omotenashi serve [--port N] [--host H] [--db sqlite:PATH] [--static DIR] [--token T]
//                  [--k K] [--rate N] [--rules R.json] [--dashboard DIR]
// Runs the collector until SIGTERM / SIGINT.
int run(int argc, char** argv);
}  // namespace serve
namespace simulate {
// omotenashi simulate --rules R.json --visitors N [--seed S] [--post URL] [--window YYYY-Www]
int run(int argc, char** argv);
}  // namespace simulate
}  // namespace omo
