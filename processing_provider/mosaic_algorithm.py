"""``s2cloudfree:mosaic``: per-pixel mean of the clear observations of a series."""

from qgis.core import QgsProcessingParameterEnum, QgsProcessingParameterRasterDestination

from .algorithm_base import COMPUTED_MASKS_HELP, HARMONIZE_HELP, MASK_LAYERS, S2_LAYERS, S2CloudFreeAlgorithm

OUTPUT = "OUTPUT"
OUTPUT_COUNT = "OUTPUT_COUNT"
FALLBACK = "FALLBACK"
FALLBACK_OPTIONS = (
    ("nodata", "No data"),
    ("constant", "The paper's constant (0.5 reflectance)"),
    ("least_cloudy", "Value of the least cloudy date"),
)


class MosaicAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "mosaic"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Mosaic of clear observations")

    def help_text(self):
        return (
            "Per pixel, the mean of the dates on which the pixel is clear (mask value 0 and a valid "
            "observation); a pixel clear on a single date gets that date's value. This is the "
            "'mosaicing' baseline of SEN12MS-CR-TS (Ebel et al. 2022). The mean is computed in "
            "floating point and written in the input data type (integers rounded to nearest), with "
            "the bands, band names and scale of the inputs.\n\n"
            "FALLBACK says what pixels that are clear on no date get: nodata (default), the paper's "
            "constant 0.5 reflectance (5000 for digital numbers), or the value of the least cloudy "
            "date (needs one more pass over the series).\n\n"
            "OUTPUT_COUNT (optional) is the number of clear observations per pixel.\n\n"
        ) + COMPUTED_MASKS_HELP + "\n\n" + HARMONIZE_HELP

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=True)
        self.addParameter(QgsProcessingParameterEnum(
            FALLBACK, "Pixels never clear get", [label for _, label in FALLBACK_OPTIONS], defaultValue=0))
        self.add_cloudmask_parameters(advanced=True)
        self.add_harmonize_parameter()
        self.add_performance_parameters()
        self.addParameter(QgsProcessingParameterRasterDestination(OUTPUT, "Mosaic"))
        self.addParameter(QgsProcessingParameterRasterDestination(
            OUTPUT_COUNT, "Clear observations per pixel", optional=True, createByDefault=False))

    def execute(self, parameters, context, reporter):
        from ..core.mosaic import mosaic

        extent, extent_crs = self.extent(parameters, context)
        memory_mb, threads = self.performance(parameters, context)
        count_path = self.parameterAsOutputLayer(parameters, OUTPUT_COUNT, context) or None
        fallback = FALLBACK_OPTIONS[self.parameterAsEnum(parameters, FALLBACK, context)][0]
        result = mosaic(
            self.layer_paths(parameters, S2_LAYERS, context),
            self.layer_paths(parameters, MASK_LAYERS, context),
            self.parameterAsOutputLayer(parameters, OUTPUT, context),
            count_path=count_path, extent=extent, extent_crs=extent_crs, fallback=fallback,
            memory_mb=memory_mb, threads=threads, reporter=reporter, harmonize=self.harmonize(parameters, context),
            cloudmask_settings=self.cloudmask_settings(parameters, context))
        outputs = {OUTPUT: result["output"]}
        if count_path:
            outputs[OUTPUT_COUNT] = count_path
        return outputs
