"""``s2cloudfree:seq2seq``: sequence-to-sequence internal learning, a cloud-free image per date."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .algorithm_base import MASK_LAYERS, S2_LAYERS, S2CloudFreeAlgorithm

S1_LAYERS = "S1_LAYERS"
DEVICE = "DEVICE"
SEED = "SEED"
PRESET = "PRESET"
PASSES = "PASSES"
STEPS = "STEPS"
LEARNING_RATE = "LEARNING_RATE"
BATCH_DATES = "BATCH_DATES"
TILE_SIZE = "TILE_SIZE"
TILE_OVERLAP = "TILE_OVERLAP"
MAX_DAYS = "MAX_DAYS"
RAW_OUTPUT = "RAW_OUTPUT"
MEMORY_MB = "MEMORY_MB"
CPU_THREADS = "CPU_THREADS"
OUTPUT_FOLDER = "OUTPUT_FOLDER"
OUTPUT_LAYERS = "OUTPUT_LAYERS"
DEVICE_USED = "DEVICE_USED"

#: PRESET enum, in this order (the default first); names as in core.seq2seq.PRESETS.
PRESET_OPTIONS = (
    ("fast", "fast (default: 1 pass x 40 steps per batch of 12 dates, lr 0.01 decayed, input jitter)"),
    ("paper", "paper (20 passes x 100 steps per batch of 5 dates, lr 0.01)"),
)

class Seq2SeqAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "seq2seq"

    def displayName(self):  # noqa: N802 (QGIS API)
        return "Cloud-free series (sequence-to-sequence internal learning)"

    def shortHelpString(self):  # noqa: N802 (QGIS API)
        return (
            "Returns every date of a Sentinel-2 time series without clouds. A 3D convolutional "
            "encoder-decoder is fitted to the series itself (no training data, no download): its input "
            "is the Sentinel-1 VV/VH series, or fixed noise when no S1 layers are given, and its loss "
            "covers only the clear pixels, so cloudy pixels are filled from what it learns elsewhere in "
            "space and time. This is the sequence-to-sequence method of SEN12MS-CR-TS (Ebel et al. 2022, "
            "after Zhang et al. 2019).\n\n"
            "S1 dates need not equal S2 dates: each S2 date uses the nearest S1 date within MAX_DAYS "
            "(14 days by default); a date without one gets noise (logged).\n\n"
            "OUTPUT_FOLDER receives one GeoTIFF per input date, '<input name>_cloudfree.tif', on the grid "
            "of the first S2 layer (cropped to the extent), with the data type, nodata and band order of "
            "the inputs. Clear pixels keep their observed values unless RAW_OUTPUT is checked.\n\n"
            "PRESET 'fast' (default) is a short schedule chosen by measurement on real data; 'paper' is "
            "the schedule of the article (about 40 x slower, better on average but not always). On the "
            "real test series neither beat mosaicing or temporal interpolation on average: where a clear "
            "date lies close in time, those baselines are hard to beat (figures in the README). The advanced parameters override single values "
            "(0 keeps the preset's). Regions larger than TILE_SIZE are fitted tile by tile and blended "
            "across TILE_OVERLAP pixels. DEVICE: auto (the plugin setting, else CUDA when available, else "
            "CPU), cpu, cuda, cuda:N or mps; the device that ran is logged. The same SEED and number of "
            "CPU threads give the same result on the CPU (a different thread count changes it)."
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=False)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S1_LAYERS, "Sentinel-1 layers (VV, VH in dB; optional: noise input when absent)",
            QgsProcessing.TypeRaster, optional=True))
        self.addParameter(QgsProcessingParameterString(
            DEVICE, "Device (auto, cpu, cuda, cuda:N, mps)", defaultValue="auto"))
        self.addParameter(QgsProcessingParameterNumber(
            SEED, "Random seed", QgsProcessingParameterNumber.Integer, 0, minValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            PRESET, "Schedule", [label for _, label in PRESET_OPTIONS], defaultValue=0))
        advanced = [
            QgsProcessingParameterNumber(PASSES, "Passes over the series (0 = preset)",
                                         QgsProcessingParameterNumber.Integer, 0, minValue=0, maxValue=1000),
            QgsProcessingParameterNumber(STEPS, "Adam steps per batch and pass (0 = preset)",
                                         QgsProcessingParameterNumber.Integer, 0, minValue=0, maxValue=100000),
            QgsProcessingParameterNumber(LEARNING_RATE, "Learning rate (0 = preset)",
                                         QgsProcessingParameterNumber.Double, 0.0, minValue=0.0, maxValue=1.0),
            QgsProcessingParameterNumber(BATCH_DATES, "Temporally adjacent dates per batch (0 = preset)",
                                         QgsProcessingParameterNumber.Integer, 0, minValue=0, maxValue=1000),
            QgsProcessingParameterNumber(TILE_SIZE, "Tile size (pixels)",
                                         QgsProcessingParameterNumber.Integer, 256, minValue=16, maxValue=4096),
            QgsProcessingParameterNumber(TILE_OVERLAP, "Tile overlap (pixels)",
                                         QgsProcessingParameterNumber.Integer, 32, minValue=0, maxValue=2048),
            QgsProcessingParameterNumber(MAX_DAYS, "Largest S2-S1 date gap for pairing (days)",
                                         QgsProcessingParameterNumber.Integer, 14, minValue=0, maxValue=366),
            QgsProcessingParameterBoolean(RAW_OUTPUT, "Raw network output (do not keep observed clear pixels)",
                                          defaultValue=False),
            QgsProcessingParameterNumber(MEMORY_MB, "Memory budget for the blended predictions (MB)",
                                         QgsProcessingParameterNumber.Integer, 512, minValue=32,
                                         maxValue=1024 * 1024),
            QgsProcessingParameterNumber(CPU_THREADS, "CPU threads for the network (0 = torch's default)",
                                         QgsProcessingParameterNumber.Integer, 0, minValue=0, maxValue=256),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
            self.addParameter(parameter)
        self.addParameter(QgsProcessingParameterFolderDestination(OUTPUT_FOLDER, "Output folder"))
        self.addOutput(QgsProcessingOutputMultipleLayers(OUTPUT_LAYERS, "Cloud-free images (input order)"))
        self.addOutput(QgsProcessingOutputString(DEVICE_USED, "Device that ran"))

    def required_packages(self):
        return ("numpy", "rasterio", "torch")

    def execute(self, parameters, context, reporter):
        from ..core.seq2seq import seq2seq
        from .settings import preferred_device

        extent, extent_crs = self.extent(parameters, context)
        preset = PRESET_OPTIONS[self.parameterAsEnum(parameters, PRESET, context)][0]
        result = seq2seq(
            self.layer_paths(parameters, S2_LAYERS, context),
            self.layer_paths(parameters, MASK_LAYERS, context),
            self.parameterAsString(parameters, OUTPUT_FOLDER, context),
            s1_paths=self.layer_paths(parameters, S1_LAYERS, context) or None,
            extent=extent, extent_crs=extent_crs,
            device=self.parameterAsString(parameters, DEVICE, context) or "auto",
            preferred_device=preferred_device(),
            seed=self.parameterAsInt(parameters, SEED, context),
            preset=preset,
            passes=self.parameterAsInt(parameters, PASSES, context),
            steps=self.parameterAsInt(parameters, STEPS, context),
            learning_rate=self.parameterAsDouble(parameters, LEARNING_RATE, context),
            batch_dates=self.parameterAsInt(parameters, BATCH_DATES, context),
            tile_size=self.parameterAsInt(parameters, TILE_SIZE, context),
            tile_overlap=self.parameterAsInt(parameters, TILE_OVERLAP, context),
            max_days=self.parameterAsInt(parameters, MAX_DAYS, context),
            raw_output=self.parameterAsBool(parameters, RAW_OUTPUT, context),
            memory_mb=self.parameterAsInt(parameters, MEMORY_MB, context),
            threads=self.parameterAsInt(parameters, CPU_THREADS, context) or None,
            reporter=reporter)
        return {OUTPUT_FOLDER: result["output_folder"], OUTPUT_LAYERS: result["outputs"],
                DEVICE_USED: result["device"]}
