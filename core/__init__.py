"""S2 CloudFree core library.

Everything under ``core`` works without QGIS: it is used by the Processing
algorithms, by the tests, by the benchmarks and on machines that have no QGIS.
Heavy packages (rasterio, torch, s2cloudless) are imported inside the
functions that need them.
"""
