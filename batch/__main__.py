"""``python -m s2cloudfree.batch <algorithm> NAME=value ... [options]`` (see the README, *Large areas*).

Parameters are those of the Processing algorithm, written as for ``qgis_process``: ``NAME=value``,
a list by repeating the name (``S2_LAYERS=a.tif S2_LAYERS=b.tif``). The plugin folder's parent must
be on PYTHONPATH (so that ``s2cloudfree`` imports), on every worker too.
"""

import argparse
import sys

from ..core.errors import S2CloudFreeError
from .jobs import JOBS, make_job


def parse_values(items):
    values = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name or name.startswith("_"):
            raise S2CloudFreeError(f"{item!r} is not NAME=value with a parameter name.")
        values.setdefault(name.strip().upper(), []).append(value)
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m s2cloudfree.batch",
                                     description="Run an S2 CloudFree algorithm tile by tile on Dask distributed.")
    parser.add_argument("algorithm", choices=sorted(JOBS))
    parser.add_argument("parameters", nargs="*", metavar="NAME=value")
    parser.add_argument("--tile-size", type=int, default=1024, help="tile side in pixels (default 1024)")
    parser.add_argument("--scheduler", help="address of an existing Dask scheduler (default: a local cluster)")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: from the "
                                                    "cores and memory, 2 GB each)")
    parser.add_argument("--retries", type=int, default=2, help="retries of a failed tile (default 2)")
    parser.add_argument("--vrt", action="store_true", help="write a VRT over the tiles instead of a COG")
    args = parser.parse_args(argv)
    try:
        from .runner import run

        values = parse_values(args.parameters)
        job = make_job(args.algorithm, values)
        result = run(job, values, args.tile_size, scheduler=args.scheduler, workers=args.workers,
                     retries=args.retries, vrt=args.vrt, log=lambda m: print(m, flush=True))
    except ImportError as exc:
        print(f"error: the batch runner needs dask[distributed] ({exc}); install it with "
              "python -m pip install 'dask[distributed]'", file=sys.stderr)
        return 2
    except S2CloudFreeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
