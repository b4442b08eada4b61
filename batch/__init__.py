"""Running S2 CloudFree's algorithms over large areas on Dask distributed, outside QGIS.

``python -m s2cloudfree.batch <algorithm> NAME=value ... [--tile-size N] [--scheduler ADDRESS]``
(see ``batch/__main__.py``). The region is cut into tiles with the overlap each method needs, each
tile is computed by the same core function as in QGIS on a Dask worker, finished tiles are recorded
in a manifest (a rerun skips them), and the tiles' cores are assembled into one Cloud-Optimised
GeoTIFF per output. Nothing here imports qgis; dask[distributed] is imported only by the runner.
"""
