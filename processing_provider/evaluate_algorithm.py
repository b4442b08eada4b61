"""``s2cloudfree:evaluate``: RMSE, PSNR, SSIM and SAM of a prediction against a target (SEN12MS-CR-TS)."""

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
)

from .algorithm_base import EXTENT, S2CloudFreeAlgorithm

PREDICTION = "PREDICTION"
TARGET = "TARGET"
MASK = "MASK"
SCALE = "SCALE"
MEMORY_MB = "MEMORY_MB"
OUTPUT_REPORT = "OUTPUT_REPORT"
RMSE = "RMSE"
PSNR = "PSNR"
SSIM = "SSIM"
SAM = "SAM"
RMSE_CLOUDY = "RMSE_CLOUDY"
RMSE_CLEAR = "RMSE_CLEAR"
PIXELS = "PIXELS"
SAM_SKIPPED = "SAM_SKIPPED"

SCALE_OPTIONS = (
    ("auto", "Automatic (integers and floats above 50: digital numbers / 10000; other floats: reflectance)"),
    ("dn", "Digital numbers (reflectance x 10000) for both"),
    ("reflectance", "Reflectance (0-1) for both"),
)
# Same value as core.benchmark_protocols.DEFAULT_EVAL_MEMORY_MB (the provider does not import core).
DEFAULT_MEMORY_MB = 2048


class EvaluateAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "evaluate"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Evaluate a cloud-free image against a reference")

    def help_text(self):
        return (
            "Scores a PREDICTION (a cloud-free result) against a TARGET (a clear reference of the same "
            "date) with the metrics of SEN12MS-CR-TS (Ebel et al. 2022), on reflectance scaled to [0, 1] "
            "(digital numbers clipped to 0-10000 and divided by 10000):\n"
            "- RMSE: root mean square error over all bands and pixels (the paper's NRMSE); lower is better.\n"
            "- PSNR: 20 log10(1 / RMSE), in dB; higher is better.\n"
            "- SSIM: structural similarity, 11 x 11 Gaussian window (sigma 1.5), C1 = 0.01², C2 = 0.03², "
            "zero padding, per band then averaged; 1 is perfect.\n"
            "- SAM: mean spectral angle between predicted and true spectra, in degrees (pixels with a "
            "zero spectrum are skipped; SAM_SKIPPED counts them); lower is better.\n\n"
            "With MASK (1 = cloudy in the inputs, 0 = clear; the mask's nodata counts as neither), "
            "RMSE_CLOUDY and RMSE_CLEAR are the RMSE over the cloudy and over the clear pixels.\n\n"
            "Everything is computed on the TARGET's grid (cropped to EXTENT); the PREDICTION and MASK are "
            "resampled onto it when they are on another grid (logged). Bands are matched by name when "
            "both rasters name them (B02, B03, ...), else by position. Pixels that are nodata in either "
            "image are left out. Images that need more than MEMORY_MB are refused: give an EXTENT.\n\n"
            "OUTPUT_REPORT (optional): a .json file with every number, or a single-file .html page with "
            "the table and pictures (prediction, target, absolute error, mask)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(QgsProcessingParameterRasterLayer(PREDICTION, "Prediction (cloud-free result)"))
        self.addParameter(QgsProcessingParameterRasterLayer(TARGET, "Target (clear reference)"))
        self.addParameter(QgsProcessingParameterRasterLayer(
            MASK, "Cloud mask of the inputs (1 = cloudy, 0 = clear)", optional=True))
        self.addParameter(QgsProcessingParameterExtent(
            EXTENT, "Region of interest (default: the whole target)", optional=True))
        advanced = [
            QgsProcessingParameterEnum(SCALE, "Value scale", [label for _, label in SCALE_OPTIONS],
                                       defaultValue=0),
            QgsProcessingParameterNumber(MEMORY_MB, "Memory budget (MB)", QgsProcessingParameterNumber.Type.Integer,
                                         DEFAULT_MEMORY_MB, minValue=1, maxValue=1024 * 1024),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        self.addParameter(QgsProcessingParameterFileDestination(
            OUTPUT_REPORT, "Report (.json or .html)", fileFilter="HTML files (*.html);;JSON files (*.json)",
            optional=True, createByDefault=False))
        for name, text in ((RMSE, "RMSE ([0, 1] reflectance)"), (PSNR, "PSNR (dB)"), (SSIM, "SSIM"),
                           (SAM, "SAM (degrees)"), (RMSE_CLOUDY, "RMSE over cloudy pixels (with MASK)"),
                           (RMSE_CLEAR, "RMSE over clear pixels (with MASK)"), (PIXELS, "Pixels evaluated"),
                           (SAM_SKIPPED, "Pixels without a spectral angle (zero spectrum)")):
            self.addOutput(QgsProcessingOutputNumber(name, text))

    def execute(self, parameters, context, reporter):
        from ..core.benchmark_protocols import evaluate_rasters

        def path(name, optional=False):
            layer = self.parameterAsRasterLayer(parameters, name, context)
            if layer is None:
                if optional:
                    return None
                raise self.input_error(f"{name}: no raster layer was given.")
            return self.raster_path(layer, name)

        extent, extent_crs = self.extent(parameters, context)
        report = self.parameterAsFileOutput(parameters, OUTPUT_REPORT, context) or None
        result = evaluate_rasters(
            path(PREDICTION), path(TARGET), path(MASK, optional=True), extent=extent, extent_crs=extent_crs,
            scale=SCALE_OPTIONS[self.parameterAsEnum(parameters, SCALE, context)][0],
            memory_mb=self.parameterAsInt(parameters, MEMORY_MB, context) or DEFAULT_MEMORY_MB,
            report_path=report, reporter=reporter)
        outputs = {RMSE: result["rmse"], PSNR: result["psnr"], SSIM: result["ssim"], SAM: result["sam"],
                   PIXELS: result["pixels"], SAM_SKIPPED: result["sam_skipped"]}
        if "rmse_cloudy" in result:
            outputs[RMSE_CLOUDY] = result["rmse_cloudy"]
            outputs[RMSE_CLEAR] = result["rmse_clear"]
        if report:
            outputs[OUTPUT_REPORT] = report
        return outputs
