#!/usr/bin/env python3
"""A RUSTC_WRAPPER for bench.py: runs the compilation of one crate under valgrind's cachegrind,
which counts the instructions rustc executes, and every other compilation as it is.

The crate is named by COUNT_CRATE (its crate name, `daytona_client`), the count's file by
COUNT_OUT. Instructions are what this machine cannot disturb: the same build measures within
0.1 % of itself, where its wall time moves by 10 %."""
import os
import sys

rustc, args = sys.argv[1], sys.argv[2:]
crate = os.environ.get("COUNT_CRATE")
named = "--crate-name" in args and args.index("--crate-name") + 1 < len(args)
if crate and named and args[args.index("--crate-name") + 1] == crate:
    os.execvp("valgrind", ["valgrind", "--tool=cachegrind", "--cache-sim=no",
                           "--cachegrind-out-file=" + os.environ["COUNT_OUT"],
                           "--log-file=/dev/null", rustc, *args])
os.execvp(rustc, [rustc, *args])
