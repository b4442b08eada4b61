"""``s2cloudfree:benchmark``: the paper's evaluation protocols over a series, as an HTML report."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputFile,
    QgsProcessingOutputHtml,
    QgsProcessingOutputString,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .algorithm_base import CLOUDMASK_SETTINGS_HELP, MASK_LAYERS, MODEL_FILE_FILTER, S2_LAYERS, S2CloudFreeAlgorithm

S1_LAYERS = "S1_LAYERS"
TRUTH_LAYERS = "TRUTH_LAYERS"
MODEL = "MODEL"
DEVICE = "DEVICE"
SEED = "SEED"
PROTOCOLS = "PROTOCOLS"
METHODS = "METHODS"
N_INPUTS = "N_INPUTS"
INPUT_SELECTION = "INPUT_SELECTION"
PRESET = "PRESET"
PASSES = "PASSES"
STEPS = "STEPS"
MAX_DATES = "MAX_DATES"
TILE_SIZE = "TILE_SIZE"
MAX_DAYS = "MAX_DAYS"
MEMORY_MB = "MEMORY_MB"
OUTPUT_FOLDER = "OUTPUT_FOLDER"
OUTPUT_HTML = "OUTPUT_HTML"
OUTPUT_JSON = "OUTPUT_JSON"
DEVICE_USED = "DEVICE_USED"

# Values as in core.benchmark_protocols (the provider does not import core when it loads).
PROTOCOL_OPTIONS = (
    ("seq2seq", "Sequence-to-sequence (clouds of the cloudiest date blended onto the least cloudy)"),
    ("seq2point", "Sequence-to-point (n input dates, target = the least cloudy date)"),
)
METHOD_OPTIONS = (
    ("least_cloudy", "Least cloudy date"),
    ("mosaic", "Mosaicing (mean of clear observations)"),
    ("temporal_linear", "Temporal linear interpolation"),
    ("seq2seq_noise", "seq2seq internal learning, noise input"),
    ("seq2seq_s1", "seq2seq internal learning, S1 input (needs S1_LAYERS)"),
    ("seq2point", "seq2point network (needs MODEL)"),
)
SELECTION_OPTIONS = (
    ("first", "The first n dates in time order (as SEN12MS-CR-TS)"),
    ("nearest", "The n dates nearest in time to the target"),
)
PRESET_OPTIONS = (
    ("fast", "fast (the seq2seq algorithm's default)"),
    ("paper", "paper (20 passes x 100 steps per batch of 5 dates; slow)"),
)
DEFAULT_MEMORY_MB = 2048


class BenchmarkAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "benchmark"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Benchmark cloud removal methods (report)")

    def help_text(self):
        return (
            "Runs the evaluation protocols of SEN12MS-CR-TS (Ebel et al. 2022) over a series for every "
            "available method and writes a report folder: index.html (metric table with the best value "
            "per column marked, pictures of inputs, masks, prediction, target and absolute error per "
            "method) and report.json (every number). Open index.html in a browser; it needs no network.\n\n"
            "Sequence-to-sequence protocol: the least cloudy date is the target and the cloudy pixels of "
            "the most cloudy date are blended onto it; each method reconstructs the series and its image "
            "of the target date is scored against the original target.\n"
            "Sequence-to-point protocol: the least cloudy date is the target, N_INPUTS other dates are the "
            "inputs (INPUT_SELECTION: the first in time order, as the data set does, or the nearest); each "
            "method makes one image from the inputs.\n\n"
            "Methods: least cloudy, mosaicing (the paper's 0.5 where never clear), temporal linear "
            "interpolation, seq2seq internal learning with noise or S1 input (PRESET; PASSES and STEPS "
            "override it for a shorter run), and the seq2point network when MODEL is given. Methods that "
            "cannot run are listed with the reason.\n\n"
            "TRUTH_LAYERS (optional, one cloud-free image per S2 layer, such as the generated sample's "
            "truth): the target is then scored against its true cloud-free image. MAX_DATES keeps only the "
            "target, the source and the dates nearest the target for the sequence-to-sequence protocol "
            "(seq2seq cost grows with the number of dates). The whole region is held in memory: keep it "
            "to a few hundred pixels a side (EXTENT); MEMORY_MB refuses larger runs with a clear message.\n\n"
            "Metrics on reflectance in [0, 1]: RMSE, PSNR (dB), SSIM (11 x 11 Gaussian, sigma 1.5), SAM "
            "(degrees), RMSE over cloudy and clear pixels. DEVICE: auto, cpu, cuda, cuda:N or mps; the "
            "device that ran is logged and written in the report.\n\n"
            "Without MASK_LAYERS, masks are computed with s2cloudless first. "
        ) + CLOUDMASK_SETTINGS_HELP

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_series_parameters(masks_optional=True)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S1_LAYERS, "Sentinel-1 layers (VV, VH in dB; optional)", QgsProcessing.SourceType.TypeRaster, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            TRUTH_LAYERS, "Cloud-free truth, one per S2 layer (optional)", QgsProcessing.SourceType.TypeRaster,
            optional=True))
        self.addParameter(QgsProcessingParameterFile(
            MODEL, "seq2point model (checkpoint file .pt, or a registry name; optional)", optional=True,
            fileFilter=MODEL_FILE_FILTER))
        self.add_device_parameter()
        self.add_harmonize_parameter()
        self.addParameter(QgsProcessingParameterEnum(
            PROTOCOLS, "Protocols", [label for _, label in PROTOCOL_OPTIONS], allowMultiple=True,
            defaultValue=list(range(len(PROTOCOL_OPTIONS)))))
        self.addParameter(QgsProcessingParameterEnum(
            METHODS, "Methods", [label for _, label in METHOD_OPTIONS], allowMultiple=True,
            defaultValue=list(range(len(METHOD_OPTIONS)))))
        self.addParameter(QgsProcessingParameterNumber(
            N_INPUTS, "Input dates of the sequence-to-point protocol (n; a MODEL sets its own)",
            QgsProcessingParameterNumber.Type.Integer, 3, minValue=1, maxValue=100))
        self.addParameter(QgsProcessingParameterEnum(
            PRESET, "seq2seq schedule", [label for _, label in PRESET_OPTIONS], defaultValue=0))
        advanced = [
            QgsProcessingParameterEnum(INPUT_SELECTION, "Input dates of the sequence-to-point protocol",
                                       [label for _, label in SELECTION_OPTIONS], defaultValue=0),
            QgsProcessingParameterNumber(PASSES, "seq2seq passes (0 = preset)", QgsProcessingParameterNumber.Type.Integer,
                                         0, minValue=0, maxValue=1000),
            QgsProcessingParameterNumber(STEPS, "seq2seq Adam steps per batch and pass (0 = preset)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=100000),
            QgsProcessingParameterNumber(MAX_DATES, "Dates of the sequence-to-sequence protocol (0 = all)",
                                         QgsProcessingParameterNumber.Type.Integer, 0, minValue=0, maxValue=1000),
            QgsProcessingParameterNumber(SEED, "Random seed", QgsProcessingParameterNumber.Type.Integer, 0, minValue=0),
            QgsProcessingParameterNumber(TILE_SIZE, "seq2seq tile size (pixels)", QgsProcessingParameterNumber.Type.Integer,
                                         256, minValue=16, maxValue=4096),
            QgsProcessingParameterNumber(MAX_DAYS, "Largest S2-S1 date gap for pairing (days)",
                                         QgsProcessingParameterNumber.Type.Integer, 14, minValue=0, maxValue=366),
            QgsProcessingParameterNumber(MEMORY_MB, "Memory budget (MB)", QgsProcessingParameterNumber.Type.Integer,
                                         DEFAULT_MEMORY_MB, minValue=32, maxValue=1024 * 1024),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        self.add_cloudmask_parameters(advanced=True)
        self.addParameter(QgsProcessingParameterFolderDestination(OUTPUT_FOLDER, "Report folder"))
        self.addOutput(QgsProcessingOutputHtml(OUTPUT_HTML, "Report (HTML)"))
        self.addOutput(QgsProcessingOutputFile(OUTPUT_JSON, "Every number (JSON)"))
        self.addOutput(QgsProcessingOutputString(DEVICE_USED, "Device that ran the networks (empty: none ran)"))

    def execute(self, parameters, context, reporter):
        from ..core.benchmark_protocols import BenchmarkOptions, run_benchmark
        from .settings import preferred_device

        def chosen(name, options):
            picked = self.parameterAsEnums(parameters, name, context)
            return tuple(options[k][0] for k in sorted(set(picked)))

        extent, extent_crs = self.extent(parameters, context)
        options = BenchmarkOptions(
            protocols=chosen(PROTOCOLS, PROTOCOL_OPTIONS),
            methods=chosen(METHODS, METHOD_OPTIONS),
            preset=PRESET_OPTIONS[self.parameterAsEnum(parameters, PRESET, context)][0],
            passes=self.parameterAsInt(parameters, PASSES, context),
            steps=self.parameterAsInt(parameters, STEPS, context),
            max_dates=self.parameterAsInt(parameters, MAX_DATES, context),
            n_inputs=self.parameterAsInt(parameters, N_INPUTS, context),
            input_selection=SELECTION_OPTIONS[self.parameterAsEnum(parameters, INPUT_SELECTION, context)][0],
            device=(self.parameterAsString(parameters, DEVICE, context) or "auto").strip(),
            preferred_device=preferred_device(),
            seed=self.parameterAsInt(parameters, SEED, context),
            tile_size=self.parameterAsInt(parameters, TILE_SIZE, context) or 256,
            max_days=self.parameterAsInt(parameters, MAX_DAYS, context),
            memory_mb=self.parameterAsInt(parameters, MEMORY_MB, context) or DEFAULT_MEMORY_MB,
            model=(self.parameterAsString(parameters, MODEL, context) or "").strip())
        folder = self.parameterAsString(parameters, OUTPUT_FOLDER, context)
        result = run_benchmark(
            self.layer_paths(parameters, S2_LAYERS, context),
            self.layer_paths(parameters, MASK_LAYERS, context),
            folder,
            s1_paths=self.layer_paths(parameters, S1_LAYERS, context),
            truth_paths=self.layer_paths(parameters, TRUTH_LAYERS, context),
            extent=extent, extent_crs=extent_crs, options=options, reporter=reporter,
            cloudmask_settings=self.cloudmask_settings(parameters, context))
        return {OUTPUT_FOLDER: result["folder"], OUTPUT_HTML: result["html"], OUTPUT_JSON: result["json"],
                DEVICE_USED: result["device"] if result["network_device"] else ""}
