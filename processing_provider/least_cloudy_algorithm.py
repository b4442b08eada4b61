"""``s2cloudfree:leastcloudy``: the least cloudy date of a series, forwarded unchanged."""

from qgis.core import QgsProcessingOutputNumber, QgsProcessingParameterRasterDestination

from .algorithm_base import COMPUTED_MASKS_HELP, HARMONIZE_HELP, MASK_LAYERS, S2_LAYERS, S2CloudFreeAlgorithm

OUTPUT = "OUTPUT"
SELECTED_INDEX = "SELECTED_INDEX"


class LeastCloudyAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "leastcloudy"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Least cloudy date")

    def help_text(self):
        return (
            "Picks the date of a Sentinel-2 time series with the smallest cloud coverage inside the "
            "region of interest and writes it unchanged (same bands, data type and values), cropped "
            "to the region. This is the 'least cloudy' baseline of SEN12MS-CR-TS (Ebel et al. 2022).\n\n"
            "Cloud coverage is the share of the region that is not a clear observation: a mask value "
            "other than 0 (cloud, shadow, the mask's nodata) or a nodata pixel of the image counts as "
            "not clear. Ties go to the earliest date. Dates come from the file names (ISO dates, "
            "YYYYMMDD, Sentinel product names, SEN12MS-CR-TS names) or the file metadata.\n\n"
            "SELECTED_INDEX is the 0-based position of the chosen layer in the input list.\n\n"
        ) + COMPUTED_MASKS_HELP + "\n\n" + HARMONIZE_HELP

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=True)
        self.add_cloudmask_parameters(advanced=True)
        self.add_harmonize_parameter()
        self.add_performance_parameters()
        self.addParameter(QgsProcessingParameterRasterDestination(OUTPUT, "Least cloudy image"))
        self.addOutput(QgsProcessingOutputNumber(SELECTED_INDEX, "Index of the selected layer (0-based)"))

    def execute(self, parameters, context, reporter):
        from ..core.least_cloudy import least_cloudy

        extent, extent_crs = self.extent(parameters, context)
        memory_mb, threads = self.performance(parameters, context)
        result = least_cloudy(
            self.layer_paths(parameters, S2_LAYERS, context),
            self.layer_paths(parameters, MASK_LAYERS, context),
            self.parameterAsOutputLayer(parameters, OUTPUT, context),
            extent=extent, extent_crs=extent_crs, memory_mb=memory_mb, threads=threads,
            reporter=reporter, cloudmask_settings=self.cloudmask_settings(parameters, context),
            harmonize=self.harmonize(parameters, context))
        return {OUTPUT: result["output"], SELECTED_INDEX: result["selected_index"]}
