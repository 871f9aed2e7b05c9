// Invariant checks for the fuzzers. A broken invariant is a finding like a crash: the check
// prints what broke and aborts, so that libFuzzer reports it and saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

// `message` (a std::string expression) is evaluated only when `cond` is false.
#define FUZZ_CHECK(cond, message)                                    \
  do {                                                               \
    if (!(cond)) {                                                   \
      std::fprintf(stderr, "fuzz invariant broken: %s: %s\n", #cond, \
                   std::string(message).c_str());                    \
      std::abort();                                                  \
    }                                                                \
  } while (0)
