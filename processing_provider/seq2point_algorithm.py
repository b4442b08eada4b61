"""``s2cloudfree:seq2point``: one cloud-free image from n cloudy dates with CR-TS Net."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from .algorithm_base import HARMONIZE_HELP, MASK_LAYERS, MODEL_FILE_FILTER, S2_LAYERS, S2CloudFreeAlgorithm

S1_LAYERS = "S1_LAYERS"
MODEL = "MODEL"
DEVICE = "DEVICE"
SELECTION = "SELECTION"
TARGET_DATE = "TARGET_DATE"
MAX_DAYS = "MAX_DAYS"
TILE_SIZE = "TILE_SIZE"
OVERLAP = "OVERLAP"
PRECISION = "PRECISION"
MEMORY_MB = "MEMORY_MB"
THREADS = "THREADS"
OUTPUT = "OUTPUT"
DEVICE_USED = "DEVICE_USED"
DATES_USED = "DATES_USED"
SECONDS = "SECONDS"

SELECTION_OPTIONS = (
    ("first", "The first n dates in time order (as SEN12MS-CR-TS)"),
    ("least_cloudy", "The n least cloudy dates (needs the masks), in time order"),
    ("nearest", "The n dates nearest in time to the target date"),
)
PRECISION_OPTIONS = ("auto", "fp32", "bf16", "fp16")


class Seq2PointAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "seq2point"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Cloud removal: sequence-to-point network (CR-TS Net)")

    def help_text(self):
        return (
            "Predicts one cloud-free Sentinel-2 image from n cloudy dates (n = 3 for the paper's "
            "model) and, for models trained with it, the Sentinel-1 VV/VH image nearest in date to "
            "each (within MAX_DAYS). This is the sequence-to-point network of SEN12MS-CR-TS (Ebel et "
            "al. 2022), CR-TS Net.\n\n"
            "MODEL is a checkpoint file (.pt) written by 'Train the sequence-to-point network', or a "
            "name from the model registry. No pretrained weights come with the plugin: train a model "
            "on your own series (or on SEN12MS-CR-TS) first. Checkpoints are loaded safely (weights "
            "and settings only, no code). The model decides the bands: the S2 layers must have them "
            "(named in the band descriptions or in the usual order for 13, 12 or 10 bands).\n\n"
            "A crtsnet-lite-gapfill model (the training default) corrects the gap filler's estimate "
            "of TARGET_DATE made from its n input dates: it needs their cloud masks (MASK_LAYERS, "
            "0 = clear), and the date it fills is written in the output's S2CF_TARGET_DATE tag.\n\n"
            "When more than n S2 layers are given, SELECTION picks the n dates nearest in time to "
            "TARGET_DATE (the default; without a TARGET_DATE, the middle of the series' time span), "
            "the first n in time order (as the data set does) or the n least cloudy (MASK_LAYERS "
            "needed). Give the series around the date you want cloud-free and name it in TARGET_DATE.\n\n"
            "The output keeps the scale (digital numbers or reflectance) and data type of the S2 "
            "layers, on the grid of the first S2 layer cropped to EXTENT; pixels without a valid "
            "S2 value on any input date are nodata. The scene is processed in overlapping tiles "
            "blended without seams; TILE_SIZE 0 and MEMORY_MB 0 size them automatically from free "
            "memory. DEVICE: auto, cpu, cuda, cuda:N or mps; the device used is logged. PRECISION "
            "auto uses bf16/fp16 on CUDA only when the first tiles match fp32 within 5 DN."
            + "\n\n" + HARMONIZE_HELP
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=True)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S1_LAYERS, "Sentinel-1 layers (VV, VH in dB; paired by nearest date)",
            QgsProcessing.SourceType.TypeRaster, optional=True))
        # a file input with a browse button; a registry name can be typed in its text field
        self.addParameter(QgsProcessingParameterFile(
            MODEL, "Model (checkpoint file .pt, or a registry name)", fileFilter=MODEL_FILE_FILTER))
        self.addParameter(QgsProcessingParameterString(
            TARGET_DATE, "Target date (YYYY-MM-DD; empty = the middle of the series)", optional=True))
        self.addParameter(QgsProcessingParameterString(
            DEVICE, "Device (auto, cpu, cuda, cuda:N, mps)", defaultValue="auto"))
        advanced = [
            QgsProcessingParameterEnum(SELECTION, "Dates used when more than n are given",
                                       [label for _, label in SELECTION_OPTIONS], defaultValue=2),
            QgsProcessingParameterNumber(MAX_DAYS, "Largest S1-S2 date gap (days)",
                                         QgsProcessingParameterNumber.Type.Integer, 14, minValue=0,
                                         maxValue=366),
            QgsProcessingParameterNumber(TILE_SIZE, "Tile size (pixels; 0 = from the memory budget)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0,
                                         maxValue=8192),
            QgsProcessingParameterNumber(OVERLAP, "Tile overlap (pixels)",
                                         QgsProcessingParameterNumber.Type.Integer, 64, minValue=0,
                                         maxValue=1024),
            QgsProcessingParameterEnum(PRECISION, "Precision on CUDA", list(PRECISION_OPTIONS),
                                       defaultValue=0),
            QgsProcessingParameterNumber(MEMORY_MB, "Memory budget for the network (MB; 0 = automatic)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0,
                                         maxValue=1024 * 1024),
            QgsProcessingParameterNumber(THREADS, "CPU threads", QgsProcessingParameterNumber.Type.Integer,
                                         2, minValue=1, maxValue=256),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        self.add_harmonize_parameter()
        self.addParameter(QgsProcessingParameterRasterDestination(OUTPUT, "Cloud-free image"))
        self.addOutput(QgsProcessingOutputString(DEVICE_USED, "Device that ran the network"))
        self.addOutput(QgsProcessingOutputString(DATES_USED, "Input dates used"))
        self.addOutput(QgsProcessingOutputNumber(SECONDS, "Inference time (s)"))

    def required_packages(self):
        return ("numpy", "rasterio", "torch")

    def execute(self, parameters, context, reporter):
        from ..core.seq2point import seq2point

        extent, extent_crs = self.extent(parameters, context)
        result = seq2point(
            self.layer_paths(parameters, S2_LAYERS, context),
            self.parameterAsOutputLayer(parameters, OUTPUT, context),
            self.parameterAsString(parameters, MODEL, context),
            s1_paths=self.layer_paths(parameters, S1_LAYERS, context),
            mask_paths=self.layer_paths(parameters, MASK_LAYERS, context),
            extent=extent, extent_crs=extent_crs,
            selection=SELECTION_OPTIONS[self.parameterAsEnum(parameters, SELECTION, context)][0],
            target_date=self.parameterAsString(parameters, TARGET_DATE, context),
            max_days=self.parameterAsInt(parameters, MAX_DAYS, context),
            device=self.device_text(parameters, context),
            tile_size=self.parameterAsInt(parameters, TILE_SIZE, context),
            overlap=self.parameterAsInt(parameters, OVERLAP, context),
            memory_mb=self.parameterAsInt(parameters, MEMORY_MB, context) or None,
            precision=PRECISION_OPTIONS[self.parameterAsEnum(parameters, PRECISION, context)],
            threads=self.parameterAsInt(parameters, THREADS, context),
            reporter=reporter, harmonize=self.harmonize(parameters, context))
        return {OUTPUT: result["output"], DEVICE_USED: result["device"],
                DATES_USED: ",".join(result["dates"]), SECONDS: result["seconds"]}
