"""Tiles on Dask distributed: submit, retry, record, assemble.

Work folder: ``<first output>.s2cf-batch/`` beside the first output, holding one folder per tile
and ``manifest.json`` (the job's parameters and, per finished tile, its files and their SHA-256).
A rerun with the same parameters and tiling skips every tile whose files are still there with the
recorded checksums; other parameters start the work folder afresh. A tile whose task fails is
retried (``retries``); tiles that still fail are listed at the end and nothing is assembled, the
finished ones stay recorded for the next run. When every tile is there, each output is assembled
from the tiles' cores into a Cloud-Optimised GeoTIFF (written to a temporary file and renamed), or
a VRT over the tiles with ``vrt=True``.
"""

import hashlib
import json
import os
import shutil
import time

from ..core.errors import InputError
from .tiling import aligned, plan_tiles, window_bounds

MANIFEST = "manifest.json"
#: Tags that describe a tile's own pixels (counts, error estimates, coverage): a tile's value would be
#: wrong for the whole output, so the assembled outputs leave them out.
TILE_STATISTIC_TAGS = ("S2CF_FILLED_PIXELS", "S2CF_ESTIMATED_RMSE", "S2CF_ESTIMATED_RMSE_RUN",
                       "S2CF_ESTIMATED_RMSE_PRIOR", "S2CF_HELD_OUT_PIXELS", "S2CF_CLOUD_COVERAGE")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def compute_tile(algorithm, values, bounds, folder):
    """One tile on a worker: the core call into ``folder`` (written fresh), then the checksums."""
    from .jobs import make_job

    job = make_job(algorithm, values)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    files = job.run_tile(bounds, folder)
    return {key: [path, sha256_of(path)] for key, path in files.items()}


def job_grid(job):
    from ..core.grid import bounds_in_crs
    from ..core.raster_info import describe_raster

    info = describe_raster(job.reference, role="reference layer")
    grid = info.grid
    if job.extent is not None:
        grid = grid.crop(bounds_in_crs(job.extent, job.extent_crs, grid.crs))
        if grid is None:
            raise InputError(f"EXTENT does not overlap {job.reference}.")
    return grid


class Manifest:
    def __init__(self, folder, signature):
        self.path = os.path.join(folder, MANIFEST)
        self.signature = signature
        self.tiles = {}
        if os.path.exists(self.path):
            with open(self.path, encoding="utf-8") as handle:
                saved = json.load(handle)
            if saved.get("signature") == signature:
                self.tiles = saved.get("tiles", {})
        self.fresh = not self.tiles

    def finished(self, name):
        entry = self.tiles.get(name)
        if not entry:
            return False
        return all(os.path.exists(path) and sha256_of(path) == digest for path, digest in entry.values())

    def record(self, name, files):
        self.tiles[name] = files
        tmp = self.path + ".partial"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"signature": self.signature, "tiles": self.tiles}, handle, indent=1)
        os.replace(tmp, self.path)


def default_cluster(workers=None):
    """A LocalCluster of worker processes, one thread each, sized from the cores and memory."""
    import psutil
    from dask.distributed import LocalCluster

    cores = os.cpu_count() or 1
    memory_gb = psutil.virtual_memory().total / 2 ** 30
    n = workers or max(1, min(cores, int(memory_gb // 2)))
    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")


def run(job, values, tile_size=1024, client=None, scheduler=None, workers=None, retries=2, vrt=False,
        log=print, on_tile=None):
    """Compute ``job`` (a batch/jobs.py job made from ``values``) tile by tile; see the module
    docstring. ``client``: a dask.distributed Client to use; else ``scheduler`` (an address) or a
    new LocalCluster. Returns a dict: tiles, skipped, computed, failed (name -> error), outputs,
    seconds."""
    from dask.distributed import Client, as_completed

    started = time.perf_counter()
    grid = job_grid(job)
    if tile_size % job.alignment:
        tile_size = aligned(tile_size, job.alignment)
        log(f"Tile size rounded up to {tile_size} px, a multiple of the {job.alignment} px lattice of {job.name}.")
    tiles = plan_tiles(grid, tile_size, job.overlap, job.alignment)
    first = next(iter(job.outputs.values()))
    work = first + ".s2cf-batch"
    os.makedirs(work, exist_ok=True)
    signature = {"algorithm": job.name, "values": {k: list(v) for k, v in sorted(values.items())},
                 "tile_size": tile_size, "overlap": job.overlap, "grid": [grid.width, grid.height,
                                                                         list(grid.transform)[:6]]}
    manifest = Manifest(work, signature)
    todo = [t for t in tiles if not manifest.finished(t.name)]
    log(f"{job.name}: {grid.describe()}; {len(tiles)} tiles of {tile_size} px with {job.overlap} px overlap; "
        f"{len(tiles) - len(todo)} already finished ({work}).")
    own_cluster = None
    if client is None:
        if scheduler:
            client = Client(scheduler)
        else:
            own_cluster = default_cluster(workers)
            client = Client(own_cluster)
    failed, computed = {}, 0
    try:
        names = ", ".join(f"{w['name']}" for w in client.scheduler_info()["workers"].values())
        log(f"Scheduler {client.scheduler.address}; workers: {names or 'none yet'}.")
        if hasattr(job, "prepare"):  # a choice over the whole region first (least cloudy)
            values = job.prepare(client, [window_bounds(grid, t.core) for t in tiles], values, log)
            signature = dict(signature, values={k: list(v) for k, v in sorted(values.items())})
            manifest = Manifest(work, signature)
            todo = [t for t in tiles if not manifest.finished(t.name)]
        futures = {}
        for tile in todo:
            folder = os.path.join(work, tile.name)
            future = client.submit(compute_tile, job.name, values, window_bounds(grid, tile.read), folder,
                                   key=f"s2cf-{job.name}-{tile.name}-{os.getpid()}-{int(started)}", pure=False,
                                   retries=retries)
            futures[future] = tile
        done_at = time.perf_counter()
        for future in as_completed(list(futures)):
            tile = futures[future]
            try:
                files = future.result()
            except Exception as exc:  # noqa: BLE001 - a tile's failure is reported, the others go on
                failed[tile.name] = f"{type(exc).__name__}: {exc}"
                log(f"tile {tile.name} failed after {retries} retries: {failed[tile.name]}")
                continue
            manifest.record(tile.name, files)
            computed += 1
            elapsed = time.perf_counter() - done_at
            rate = computed / elapsed if elapsed > 0 else 0.0
            left = len(todo) - computed - len(failed)
            eta = left / rate if rate > 0 else float("nan")
            log(f"tiles {len(tiles) - len(todo) + computed}/{len(tiles)} ({rate:.2f} tiles/s, ETA {eta:.0f} s)")
            if on_tile is not None:
                on_tile(tile, client)
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()
    result = {"tiles": len(tiles), "skipped": len(tiles) - len(todo), "computed": computed, "failed": failed,
              "outputs": {}, "work_folder": work}
    if failed:
        log(f"{len(failed)} tile(s) failed: {', '.join(sorted(failed))}; nothing assembled. Run the same "
            "command again to compute them (finished tiles are kept).")
    else:
        for key, path in job.outputs.items():
            parts = [(tile, manifest.tiles[tile.name][key][0]) for tile in tiles]
            (write_vrt if vrt else assemble_cog)(grid, parts, path if not vrt else os.path.splitext(path)[0] + ".vrt")
            result["outputs"][key] = path if not vrt else os.path.splitext(path)[0] + ".vrt"
        log("written: " + ", ".join(result["outputs"].values()))
    result["seconds"] = time.perf_counter() - started
    return result


def assemble_cog(grid, parts, path):
    """One Cloud-Optimised GeoTIFF on ``grid`` from the tiles' cores: a VRT over them is copied
    into a COG in one pass (temporary file, then renamed)."""
    import rasterio
    from rasterio.shutil import copy as rio_copy

    folder, base = os.path.split(os.path.abspath(path))
    vrt = os.path.join(folder, f".{base}.tiles.vrt")
    partial = os.path.join(folder, f".{base}.partial.tif")
    with rasterio.open(parts[0][1]) as first:
        band_interleaved = first.count > 1 and first.interleaving == rasterio.enums.Interleaving.band
    # Multi-threaded, GDAL 3.6 (Debian 12) reads band-interleaved multi-band tiles right but prints an
    # 'ExtraSamples' error per block (hundreds of lines; fixed in GDAL 3.7.1): those are read with one thread
    threads = {} if band_interleaved else {"NUM_THREADS": "ALL_CPUS"}
    try:
        write_vrt(grid, parts, vrt)
        rio_copy(vrt, partial, driver="COG", COMPRESS="DEFLATE", BIGTIFF="IF_SAFER", **threads)
        os.replace(partial, path)
    finally:
        for leftover in (vrt, partial):
            if os.path.exists(leftover):
                os.remove(leftover)


def write_vrt(grid, parts, path):
    """A VRT on ``grid`` whose sources are the tiles' cores (the tile files stay where they are),
    with the tiles' band descriptions and metadata."""
    import rasterio

    with rasterio.open(parts[0][1]) as first:
        count, dtype, nodata = first.count, first.dtypes[0], first.nodata
        descriptions = first.descriptions
        tags = {k: v for k, v in first.tags().items() if k not in TILE_STATISTIC_TAGS}
    tags["S2CF_BATCH_TILES"] = str(len(parts))
    gdal_type = {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "uint32": "UInt32", "int32": "Int32",
                 "float32": "Float32", "float64": "Float64"}[dtype]
    t = grid.transform
    lines = [f'<VRTDataset rasterXSize="{grid.width}" rasterYSize="{grid.height}">']
    if grid.crs is not None:
        lines.append(f"  <SRS>{_xml(grid.crs.to_wkt())}</SRS>")
    lines.append(f"  <GeoTransform>{t.c!r}, {t.a!r}, {t.b!r}, {t.f!r}, {t.d!r}, {t.e!r}</GeoTransform>")
    if tags:
        lines.append("  <Metadata>")
        lines += [f'    <MDI key="{_xml(k)}">{_xml(v)}</MDI>' for k, v in tags.items()]
        lines.append("  </Metadata>")
    for band in range(1, count + 1):
        lines.append(f'  <VRTRasterBand dataType="{gdal_type}" band="{band}">')
        if descriptions and descriptions[band - 1]:
            lines.append(f"    <Description>{_xml(descriptions[band - 1])}</Description>")
        if nodata is not None:
            lines.append(f"    <NoDataValue>{nodata!r}</NoDataValue>")
        for tile, tile_path in parts:
            inner, core = tile.core_in_read, tile.core
            lines += ["    <SimpleSource>",
                      f'      <SourceFilename relativeToVRT="0">{_xml(os.path.abspath(tile_path))}</SourceFilename>',
                      f"      <SourceBand>{band}</SourceBand>",
                      f'      <SrcRect xOff="{inner.col_off}" yOff="{inner.row_off}" xSize="{inner.width}" '
                      f'ySize="{inner.height}"/>',
                      f'      <DstRect xOff="{core.col_off}" yOff="{core.row_off}" xSize="{core.width}" '
                      f'ySize="{core.height}"/>',
                      "    </SimpleSource>"]
        lines.append("  </VRTRasterBand>")
    lines.append("</VRTDataset>")
    tmp = path + ".partial"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def _xml(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
