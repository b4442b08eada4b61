"""``s2cloudfree:seq2seq``: sequence-to-sequence internal learning, a cloud-free image per date."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .algorithm_base import COMPUTED_MASKS_HELP, HARMONIZE_HELP, MASK_LAYERS, S2_LAYERS, S2CloudFreeAlgorithm

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
ESTIMATED_RMSE = "ESTIMATED_RMSE"
ESTIMATED_RMSE_PRIOR = "ESTIMATED_RMSE_PRIOR"
HELD_OUT_PIXELS = "HELD_OUT_PIXELS"

#: PRESET enum, in this order (the default first); names as in core.seq2seq.PRESETS.
PRESET_OPTIONS = (
    ("fast", "fast (default: the gap filler's image corrected by a small network fitted on the series)"),
    ("paper", "paper (20 passes x 100 steps per batch of 5 dates, lr 0.01)"),
)

class Seq2SeqAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "seq2seq"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Cloud-free series (sequence-to-sequence internal learning)")

    def help_text(self):
        return (
            "Returns every date of a Sentinel-2 time series without clouds, by a network fitted to the "
            "series itself (internal learning: no training data, no download), driven by the Sentinel-1 "
            "VV/VH series or, without S1 layers, by fixed noise.\n\n"
            "PRESET 'fast' (default) starts from the classical answer: the gap filler's image of each "
            "date (what s2cloudfree:gapfill writes), and a small 2D U-Net that learns a correction of it "
            "from the visible bands, the S1 of the date and how it changed since the dates the gap filler "
            "used. It is fitted on simulated clouds (clear pixels hidden behind the series' own cloud "
            "masks, the gap filler run again without them); 20 % of the clear pixels of the mostly clear "
            "dates are held out, and the share of the correction that lowers their error is kept, so "
            "where the network does not help the output is the gap filler's (when they want none of it "
            "after a third of the steps, the fit stops there). The log, the "
            "ESTIMATED_RMSE outputs and the GeoTIFF tags give the error measured on those held-out "
            "pixels, for the result and for the gap filler alone. PRESET 'paper' fits the article's 3D "
            "encoder-decoder from scratch (SEN12MS-CR-TS, Ebel et al. 2022, after Zhang et al. 2019) with "
            "its schedule: hours per tile on a CPU. Measured quality on real series is in the README.\n\n"
            "S1 dates need not equal S2 dates: each S2 date uses the nearest S1 date within MAX_DAYS "
            "(14 days by default); a date without one gets noise (logged).\n\n"
            "OUTPUT_FOLDER receives one GeoTIFF per input date, '<input name>_cloudfree.tif', on the grid "
            "of the first S2 layer (cropped to the extent), with the data type, nodata and band order of "
            "the inputs. Clear pixels keep their observed values unless RAW_OUTPUT is checked.\n\n"
            "The advanced parameters override single values (0 keeps the preset's; for 'fast', STEPS is "
            "the number of steps per tile). Regions larger than TILE_SIZE are fitted tile by tile (with "
            "'fast', each tile starts from its neighbour's network) and blended "
            "across TILE_OVERLAP pixels. DEVICE: auto (the plugin setting, else CUDA when available, else "
            "CPU), cpu, cuda, cuda:N or mps; the device that ran is logged. The same SEED and number of "
            "CPU threads give the same result on the CPU; with 'fast' another thread count or CPU changes "
            "it only slightly (see the README for the measured spread).\n\n"
            + COMPUTED_MASKS_HELP + "\n\n" + HARMONIZE_HELP
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=True)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S1_LAYERS, "Sentinel-1 layers (VV, VH in dB; optional: noise input when absent)",
            QgsProcessing.SourceType.TypeRaster, optional=True))
        self.addParameter(QgsProcessingParameterString(
            DEVICE, "Device (auto, cpu, cuda, cuda:N, mps)", defaultValue="auto"))
        self.addParameter(QgsProcessingParameterNumber(
            SEED, "Random seed", QgsProcessingParameterNumber.Type.Integer, 0, minValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            PRESET, "Schedule", [label for _, label in PRESET_OPTIONS], defaultValue=0))
        advanced = [
            QgsProcessingParameterNumber(PASSES, "Passes over the series (0 = preset)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=1000),
            QgsProcessingParameterNumber(STEPS, "Adam steps per batch and pass (0 = preset)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=100000),
            QgsProcessingParameterNumber(LEARNING_RATE, "Learning rate (0 = preset)",
                                         QgsProcessingParameterNumber.Type.Double, 0.0, minValue=0.0, maxValue=1.0),
            QgsProcessingParameterNumber(BATCH_DATES, "Temporally adjacent dates per batch (0 = preset)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=1000),
            QgsProcessingParameterNumber(TILE_SIZE, "Tile size (pixels)",
                                         QgsProcessingParameterNumber.Type.Integer, 256, minValue=16, maxValue=4096),
            QgsProcessingParameterNumber(TILE_OVERLAP, "Tile overlap (pixels)",
                                         QgsProcessingParameterNumber.Type.Integer, 32, minValue=0, maxValue=2048),
            QgsProcessingParameterNumber(MAX_DAYS, "Largest S2-S1 date gap for pairing (days)",
                                         QgsProcessingParameterNumber.Type.Integer, 14, minValue=0, maxValue=366),
            QgsProcessingParameterBoolean(RAW_OUTPUT, "Raw network output (do not keep observed clear pixels)",
                                          defaultValue=False),
            QgsProcessingParameterNumber(MEMORY_MB, "Memory budget for the blended predictions (MB)",
                                         QgsProcessingParameterNumber.Type.Integer, 512, minValue=32,
                                         maxValue=1024 * 1024),
            QgsProcessingParameterNumber(CPU_THREADS, "CPU threads for the network (0 = torch's default)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=256),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        self.add_cloudmask_parameters(advanced=True)
        self.add_harmonize_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination(OUTPUT_FOLDER, "Output folder"))
        self.addOutput(QgsProcessingOutputMultipleLayers(OUTPUT_LAYERS, "Cloud-free images (input order)"))
        self.addOutput(QgsProcessingOutputString(DEVICE_USED, "Device that ran"))
        self.addOutput(QgsProcessingOutputNumber(ESTIMATED_RMSE, "Estimated RMSE on held-out clear pixels"))
        self.addOutput(QgsProcessingOutputNumber(ESTIMATED_RMSE_PRIOR,
                                                 "Estimated RMSE of the gap filler alone on the same pixels"))
        self.addOutput(QgsProcessingOutputNumber(HELD_OUT_PIXELS, "Held-out clear pixels"))

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
            reporter=reporter, cloudmask_settings=self.cloudmask_settings(parameters, context),
            harmonize=self.harmonize(parameters, context))
        return {OUTPUT_FOLDER: result["output_folder"], OUTPUT_LAYERS: result["outputs"],
                DEVICE_USED: result["device"], ESTIMATED_RMSE: result["estimated_rmse"],
                ESTIMATED_RMSE_PRIOR: result["estimated_rmse_prior"], HELD_OUT_PIXELS: result["held_out_pixels"]}
