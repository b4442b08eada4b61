#!/usr/bin/env python3
"""The lleaves reference of the cloud-mask benchmark, run by bench_cloudmask.py in the interpreter
of .venv-lleaves (`make lleaves-venv`): lleaves 1.3 needs llvmlite < 0.45, which the numba of the
main venv cannot share.

    lleaves_reference.py MODEL FEATURES.npy OUT.npy --threads 2 --repeat 3 --cache DIR

FEATURES.npy: pixels x 10 float64. Compiles the model (without inlining: with inlining the
s2cloudless model did not compile within 40 minutes and 13 GB of memory), times ``predict`` and
writes the probabilities (float64) of the last run to OUT.npy; prints one JSON line:
compile_s, runs_s, lleaves and llvmlite versions.
"""

import argparse
import json
from importlib import metadata
import os
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("features")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", required=True)
    args = parser.parse_args()
    import lleaves
    import llvmlite
    import numpy as np

    features = np.load(args.features)
    os.makedirs(args.cache, exist_ok=True)
    cache = os.path.join(args.cache, "s2cloudless_lleaves_noinline.so")
    cached = os.path.exists(cache)
    started = time.perf_counter()
    model = lleaves.Model(model_file=args.model)
    model.compile(cache=cache, finline=False)
    compile_s = time.perf_counter() - started
    model.predict(features[:1024], n_jobs=args.threads)
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        prob = model.predict(features, n_jobs=args.threads)
        runs.append(time.perf_counter() - started)
    np.save(args.out, prob)
    print(json.dumps({"compile_s": compile_s, "cached": cached, "runs_s": runs, "lleaves": metadata.version("lleaves"),
                      "llvmlite": llvmlite.__version__}))


if __name__ == "__main__":
    main()
