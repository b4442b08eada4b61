"""``s2cloudfree:gapfill``: every date of a series gap-filled by temporal radial-basis interpolation."""

import math

from qgis.core import (
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from .algorithm_base import COMPUTED_MASKS_HELP, HARMONIZE_HELP, MASK_LAYERS, S2_LAYERS, S2CloudFreeAlgorithm

METHOD = "METHOD"
SIGMAS = "SIGMAS"
SCREEN = "SCREEN"
REGRESSION = "REGRESSION"
NEVER_CLEAR = "NEVER_CLEAR"
ESTIMATE = "ESTIMATE"
OUTPUT_FOLDER = "OUTPUT_FOLDER"
OUTPUT_LAYERS = "OUTPUT_LAYERS"
ESTIMATED_RMSE = "ESTIMATED_RMSE"
HELD_OUT_PIXELS = "HELD_OUT_PIXELS"
FILLED_PIXELS = "FILLED_PIXELS"

#: METHOD enum, in this order (the default first); names as in core.gapfill.METHODS.
METHOD_OPTIONS = (
    ("rbf", "Radial-basis ensemble in time (Gaussian kernels, FORCE-like)"),
    ("linear", "Linear in time between the nearest clear dates"),
)
#: NEVER_CLEAR enum; names as core.gapfill_files.gapfill's never_clear.
NEVER_CLEAR_OPTIONS = (
    ("local", "The locally least cloudy date"),
    ("nodata", "No data"),
)
# Same value as core.gapfill.DEFAULT_SIGMAS (the provider does not import core at load).
DEFAULT_SIGMAS_TEXT = "8,16,32"


def parse_sigmas(text):
    """Kernel widths in days from 'a,b,c' (commas, semicolons or spaces); QgsProcessingException
    naming SIGMAS for anything that is not a list of positive numbers."""
    from qgis.core import QgsProcessingException

    items = [t for t in (text or "").replace(";", ",").replace(" ", ",").split(",") if t]
    if not items:
        raise QgsProcessingException(f"{SIGMAS}: no kernel width was given (days, e.g. {DEFAULT_SIGMAS_TEXT}).")
    sigmas = []
    for item in items:
        try:
            value = float(item)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            raise QgsProcessingException(
                f"{SIGMAS}: '{item}' is not a number of days (give kernel widths separated by commas, "
                f"e.g. {DEFAULT_SIGMAS_TEXT}).")
        if value <= 0:
            raise QgsProcessingException(f"{SIGMAS}: the kernel widths must be positive numbers of days "
                                         f"(got {item}).")
        sigmas.append(value)
    return tuple(sigmas)


class GapFillAlgorithm(S2CloudFreeAlgorithm):
    MASK_METHOD_PARAMETER = "MASK_METHOD"  # METHOD is the gap filler's own

    def name(self):
        return "gapfill"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Gap filling of a time series (temporal interpolation)")

    def help_text(self):
        return (
            "Fills the clouds of every date of a Sentinel-2 time series from the clear observations of "
            "the other dates, pixel by pixel, in the way of FORCE's time-series interpolation: for each "
            "kernel width (SIGMAS, 8, 16 and 32 days by default) the Gaussian-weighted mean in time of the "
            "clear observations within about two widths, the three estimates combined by how much of each "
            "kernel has data (the narrow one dominates where observations are dense, the wide one bridges "
            "long gaps). Where no kernel reaches a clear observation, the value is linear in time between "
            "the nearest clear dates (the nearest one carried at the ends of the series). METHOD 'linear' "
            "uses that linear interpolation everywhere.\n\n"
            "Observations in cloudy surroundings are trusted less (weighted by the share of clear pixels "
            "around them, left out where fewer than half are clear unless the pixel has no better "
            "observation): a pixel marked clear in the middle of a cloud is often haze, cloud edge or "
            "shadow the mask missed. SCREEN (on by default) also leaves out observations that deviate from "
            "their neighbours in time far more than the pixel usually does (clouds the mask missed).\n\n"
            "Where part of a date is clear, REGRESSION (on by default) learns from those clear pixels how "
            "the date relates to its neighbours in time: a local ridge regression of its bands on the "
            "temporal estimate and on the nearest clear observations before and after it (all bands), "
            "fitted per 16 px cell on the clear pixels within about 40 px and applied to its cloudy "
            "pixels; what the clear pixels still differ by is then smoothed in space into the gaps. On "
            "real series this lowers the error of partly cloudy dates by a fifth to a third; dates cloudy "
            "all around keep the temporal estimate.\n\n"
            "Clear pixels keep their observed values (those left out by SCREEN too: they are only not used "
            "to fill the other dates). Pixels clear on no date get, with NEVER_CLEAR, the "
            "value of the locally least cloudy date (the date with the most clear pixels around them; "
            "default) or nodata. Pixels that are nodata on every date stay nodata.\n\n"
            "OUTPUT_FOLDER receives one GeoTIFF per input date, '<input name>_gapfilled.tif', on the grid "
            "of the first Sentinel-2 layer (cropped to the extent), with the data type, nodata, bands and "
            "band names of the inputs; the files appear only when all are complete (a failed or cancelled "
            "run adds nothing). OUTPUT_LAYERS lists them in the order of S2_LAYERS. Dates come from the file "
            "names or metadata; without dates the layers are taken one day apart in the given order.\n\n"
            "ESTIMATED_RMSE is the error the run expects on the pixels it filled, in reflectance (0-1), "
            "measured on the series itself: clear pixels of the mostly clear dates are hidden behind the "
            "real cloud masks of other dates, filled from the rest and compared with what was observed "
            "there (HELD_OUT_PIXELS of them); the error found for each length of gap in time is then "
            "applied to the gaps of the pixels really filled. It is logged and written to every output as "
            "GeoTIFF tags (S2CF_ESTIMATED_RMSE for the date, S2CF_ESTIMATED_RMSE_RUN for the run). The "
            "estimate tends to be conservative (it over-estimates the error more often than not). "
            "ESTIMATE (advanced) can switch it off. FILLED_PIXELS counts the filled pixel-dates.\n\n"
        ) + COMPUTED_MASKS_HELP + "\n\n" + HARMONIZE_HELP

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=True)
        self.addParameter(QgsProcessingParameterEnum(
            METHOD, "Method", [label for _, label in METHOD_OPTIONS], defaultValue=0))
        self.add_advanced_parameter(QgsProcessingParameterString(
            SIGMAS, "Kernel widths in time (days, comma-separated)", defaultValue=DEFAULT_SIGMAS_TEXT))
        self.addParameter(QgsProcessingParameterBoolean(
            SCREEN, "Leave out observations that deviate from their neighbours in time (clouds the mask missed)",
            defaultValue=True))
        self.add_advanced_parameter(QgsProcessingParameterBoolean(
            REGRESSION, "Learn each date's relation to its neighbours from its own clear pixels", defaultValue=True))
        self.addParameter(QgsProcessingParameterEnum(
            NEVER_CLEAR, "Pixels clear on no date get", [label for _, label in NEVER_CLEAR_OPTIONS],
            defaultValue=0))
        self.add_advanced_parameter(QgsProcessingParameterBoolean(
            ESTIMATE, "Estimate the error from held-out clear pixels", defaultValue=True))
        self.add_cloudmask_parameters(advanced=True)
        self.add_harmonize_parameter()
        self.add_performance_parameters()
        self.addParameter(QgsProcessingParameterFolderDestination(OUTPUT_FOLDER, "Output folder"))
        self.addOutput(QgsProcessingOutputMultipleLayers(OUTPUT_LAYERS, "Gap-filled images (input order)"))
        self.addOutput(QgsProcessingOutputNumber(ESTIMATED_RMSE, "Estimated RMSE of the filled pixels (reflectance)"))
        self.addOutput(QgsProcessingOutputNumber(HELD_OUT_PIXELS, "Held-out clear pixels of the estimate"))
        self.addOutput(QgsProcessingOutputNumber(FILLED_PIXELS, "Filled pixel-dates"))

    def execute(self, parameters, context, reporter):
        from ..core.gapfill_files import gapfill

        sigmas = parse_sigmas(self.parameterAsString(parameters, SIGMAS, context))
        extent, extent_crs = self.extent(parameters, context)
        memory_mb, threads = self.performance(parameters, context)
        result = gapfill(
            self.layer_paths(parameters, S2_LAYERS, context),
            self.layer_paths(parameters, MASK_LAYERS, context),
            self.parameterAsString(parameters, OUTPUT_FOLDER, context),
            extent=extent, extent_crs=extent_crs,
            method=METHOD_OPTIONS[self.parameterAsEnum(parameters, METHOD, context)][0],
            sigmas=sigmas,
            screen=self.parameterAsBool(parameters, SCREEN, context),
            regression=self.parameterAsBool(parameters, REGRESSION, context),
            never_clear=NEVER_CLEAR_OPTIONS[self.parameterAsEnum(parameters, NEVER_CLEAR, context)][0],
            estimate=self.parameterAsBool(parameters, ESTIMATE, context),
            memory_mb=memory_mb, threads=threads, reporter=reporter,
            cloudmask_settings=self.cloudmask_settings(parameters, context),
            harmonize=self.harmonize(parameters, context))
        return {OUTPUT_FOLDER: result["output_folder"], OUTPUT_LAYERS: result["outputs"],
                ESTIMATED_RMSE: result["estimated_rmse"], HELD_OUT_PIXELS: result["held_out_pixels"],
                FILLED_PIXELS: result["filled_pixels"]}
