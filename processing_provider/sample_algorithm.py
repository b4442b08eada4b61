"""``s2cloudfree:sample``: a generated Sentinel-2 / Sentinel-1 series to try the plugin."""

from qgis.core import (
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)

from .algorithm_base import S2CloudFreeAlgorithm

OUTPUT_FOLDER = "OUTPUT_FOLDER"
DATES = "DATES"
SIZE = "SIZE"
SEED = "SEED"


class SampleAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "sample"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Generate a sample series")

    def help_text(self):
        return (
            "Writes a generated (not real) Sentinel-2 Level-1C time series with clouds and cloud "
            "shadows, its true cloud masks, the cloud-free truth of every date and a matching "
            "Sentinel-1 VV/VH series in dB, on a 10 m UTM grid. The same seed always gives the "
            "same files. Use it to try the algorithms without data; its outputs S2_LAYERS, "
            "MASK_LAYERS, S1_LAYERS and TRUTH_LAYERS can feed other algorithms in a model."
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(QgsProcessingParameterNumber(
            DATES, "Number of dates", QgsProcessingParameterNumber.Type.Integer, 24, minValue=2, maxValue=60))
        self.addParameter(QgsProcessingParameterNumber(
            SIZE, "Size (pixels per side)", QgsProcessingParameterNumber.Type.Integer, 256,
            minValue=32, maxValue=8192))
        self.addParameter(QgsProcessingParameterNumber(
            SEED, "Random seed", QgsProcessingParameterNumber.Type.Integer, 0, minValue=0))
        self.addParameter(QgsProcessingParameterFolderDestination(OUTPUT_FOLDER, "Output folder"))
        self.addOutput(QgsProcessingOutputMultipleLayers("S2_LAYERS", "Sentinel-2 layers"))
        self.addOutput(QgsProcessingOutputMultipleLayers("MASK_LAYERS", "True cloud masks"))
        self.addOutput(QgsProcessingOutputMultipleLayers("S1_LAYERS", "Sentinel-1 layers"))
        self.addOutput(QgsProcessingOutputMultipleLayers("TRUTH_LAYERS", "Cloud-free truth"))

    def execute(self, parameters, context, reporter):
        from ..core.sample import generate_sample_series

        folder = self.parameterAsString(parameters, OUTPUT_FOLDER, context)
        series = generate_sample_series(
            folder,
            n_dates=self.parameterAsInt(parameters, DATES, context),
            size=self.parameterAsInt(parameters, SIZE, context),
            seed=self.parameterAsInt(parameters, SEED, context),
            reporter=reporter)
        return {OUTPUT_FOLDER: folder, "S2_LAYERS": list(series.s2), "MASK_LAYERS": list(series.masks),
                "S1_LAYERS": list(series.s1), "TRUTH_LAYERS": list(series.truth)}
