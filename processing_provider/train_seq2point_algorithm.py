"""``s2cloudfree:train_seq2point``: train CR-TS Net on the user's series or on SEN12MS-CR-TS."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..core.training_defaults import SERIES_DEFAULTS
from .algorithm_base import EXTENT, HARMONIZE_HELP, MASK_LAYERS, MODEL_FILE_FILTER, S2_LAYERS, S2CloudFreeAlgorithm

S1_LAYERS = "S1_LAYERS"
DATASET_FOLDER = "DATASET_FOLDER"
DATASET_SPLIT = "DATASET_SPLIT"
ARCHITECTURE = "ARCHITECTURE"
N_INPUTS = "N_INPUTS"
STEPS = "STEPS"
MAX_MINUTES = "MAX_MINUTES"
PATIENCE = "PATIENCE"
DEVICE = "DEVICE"
SEED = "SEED"
PATCH_SIZE = "PATCH_SIZE"
BATCH_SIZE = "BATCH_SIZE"
LEARNING_RATE = "LEARNING_RATE"
VALIDATION_FRACTION = "VALIDATION_FRACTION"
CHECKPOINT_EVERY = "CHECKPOINT_EVERY"
RESUME = "RESUME"
INIT_MODEL = "INIT_MODEL"
PASTE_PROBABILITY = "PASTE_PROBABILITY"
USE_S1 = "USE_S1"
THREADS = "THREADS"
OUTPUT_MODEL = "OUTPUT_MODEL"
STEPS_DONE = "STEPS_DONE"
FINAL_LOSS = "FINAL_LOSS"
VALIDATION_RMSE = "VALIDATION_RMSE"
BEST_STEP = "BEST_STEP"

# new entries go at the end: saved models and modeler chains refer to the index
ARCHITECTURES = ("crtsnet-lite", "crtsnet", "crtsnet-lite-gapfill")
ARCHITECTURE_LABELS = ("crtsnet-lite (the paper's network, 64 features, 4 + 2 blocks: for CPUs)",
                       "crtsnet (the paper's: 256 features, 16 + 5 blocks; needs a GPU)",
                       "crtsnet-lite-gapfill (corrects the gap filler's estimate; needs the masks; for CPUs)")
DEFAULT_ARCHITECTURE = ARCHITECTURES.index(SERIES_DEFAULTS["architecture"])
SPLITS = ("train", "val", "test", "all")


class TrainSeq2PointAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "train_seq2point"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Train the sequence-to-point network (CR-TS Net)")

    def help_text(self):
        return (
            "Trains the network used by 'Cloud removal: sequence-to-point network' and writes a "
            "checkpoint (.pt) for its MODEL parameter.\n\n"
            "Data: either your own series (S2_LAYERS with one cloud mask per layer in MASK_LAYERS, "
            "0 = clear; S1_LAYERS optional) or a SEN12MS-CR-TS folder in its official layout "
            "(DATASET_FOLDER, split DATASET_SPLIT). On your series, random patches are drawn from the "
            "region: the target is a clear date, the inputs are N_INPUTS other dates near it in time, "
            "with their real clouds (PASTE_PROBABILITY also pastes the clouds of another date onto "
            "mostly clear inputs). The bottom VALIDATION_FRACTION of the rows is held out and scored "
            "(RMSE on 0-1 reflectance). On SEN12MS-CR-TS the target is the least cloudy date and the "
            "inputs the first N_INPUTS dates, as in the paper.\n\n"
            "Networks: crtsnet-lite-gapfill (the default, this plugin's own) gets the gap filler's "
            "estimate of the target date made from its n inputs and their masks, and learns a correction "
            "of it: untrained it returns that estimate, so a short training starts at the classical "
            "answer (seq2point then needs MASK_LAYERS too). crtsnet-lite and crtsnet are the paper's "
            "network (crtsnet needs a GPU and many thousands of steps).\n\n"
            "Training stops at STEPS, after MAX_MINUTES (20 by default, 0 = no limit) or when PATIENCE "
            "validations in a row found no better RMSE on the held-out rows; the checkpoint keeps the "
            "weights of the best validation (the untrained network counts too). "
            "Optimiser as in the paper: L1 loss x 100, Adam (learning rate 2e-4, betas 0.5/0.999), "
            "batch 1. The checkpoint is saved every CHECKPOINT_EVERY steps and "
            "when the run is cancelled, and records the data it saw, the losses and the validation "
            "scores. RESUME continues the run saved in OUTPUT_MODEL. With the same SEED (and threads) "
            "a CPU run is repeatable. For long runs outside QGIS: python -m s2cloudfree.core.train."
            + "\n\n" + HARMONIZE_HELP
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S2_LAYERS, "Sentinel-2 layers (your series)", QgsProcessing.SourceType.TypeRaster, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            MASK_LAYERS, "Cloud masks (one per Sentinel-2 layer; 0 = clear)", QgsProcessing.SourceType.TypeRaster,
            optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S1_LAYERS, "Sentinel-1 layers (VV, VH in dB; optional)", QgsProcessing.SourceType.TypeRaster,
            optional=True))
        self.addParameter(QgsProcessingParameterExtent(
            EXTENT, "Training region (default: the first Sentinel-2 layer)", optional=True))
        self.addParameter(QgsProcessingParameterFile(
            DATASET_FOLDER, "Or: SEN12MS-CR-TS folder (official layout)",
            behavior=QgsProcessingParameterFile.Behavior.Folder, optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            ARCHITECTURE, "Network", list(ARCHITECTURE_LABELS), defaultValue=DEFAULT_ARCHITECTURE))
        self.addParameter(QgsProcessingParameterNumber(
            N_INPUTS, "Input dates (n)", QgsProcessingParameterNumber.Type.Integer, SERIES_DEFAULTS.get("n_inputs", 3),
            minValue=1, maxValue=16))
        self.addParameter(QgsProcessingParameterNumber(
            STEPS, "Training steps (at most)", QgsProcessingParameterNumber.Type.Integer, SERIES_DEFAULTS["steps"],
            minValue=1, maxValue=10_000_000))
        self.addParameter(QgsProcessingParameterNumber(
            MAX_MINUTES, "Time budget (minutes of training; 0 = no limit)", QgsProcessingParameterNumber.Type.Double,
            SERIES_DEFAULTS["max_minutes"], minValue=0.0))
        self.addParameter(QgsProcessingParameterString(
            DEVICE, "Device (auto, cpu, cuda, cuda:N, mps)", defaultValue="auto"))
        self.addParameter(QgsProcessingParameterNumber(
            SEED, "Random seed", QgsProcessingParameterNumber.Type.Integer, 0, minValue=0))
        advanced = [
            QgsProcessingParameterEnum(DATASET_SPLIT, "SEN12MS-CR-TS split", list(SPLITS), defaultValue=0),
            QgsProcessingParameterNumber(PATCH_SIZE, "Patch size (pixels)",
                                         QgsProcessingParameterNumber.Type.Integer, 128, minValue=8, maxValue=1024),
            QgsProcessingParameterNumber(BATCH_SIZE, "Batch size", QgsProcessingParameterNumber.Type.Integer, 1,
                                         minValue=1, maxValue=256),
            QgsProcessingParameterNumber(LEARNING_RATE, "Learning rate (Adam)",
                                         QgsProcessingParameterNumber.Type.Double, 2e-4, minValue=1e-7, maxValue=1.0),
            QgsProcessingParameterNumber(VALIDATION_FRACTION, "Share of the rows held out for validation",
                                         QgsProcessingParameterNumber.Type.Double, 0.1, minValue=0.0, maxValue=0.5),
            QgsProcessingParameterNumber(PATIENCE, "Early stopping: validations without improvement (0 = never)",
                                         QgsProcessingParameterNumber.Type.Integer, SERIES_DEFAULTS["patience"],
                                         minValue=0),
            QgsProcessingParameterNumber(CHECKPOINT_EVERY, "Save a checkpoint every (steps)",
                                         QgsProcessingParameterNumber.Type.Integer, 500, minValue=1),
            QgsProcessingParameterBoolean(RESUME, "Resume the run saved in the output file", False),
            QgsProcessingParameterFile(INIT_MODEL, "Start from the weights of (checkpoint file .pt, or a "
                                       "registry name)", optional=True, fileFilter=MODEL_FILE_FILTER),
            QgsProcessingParameterNumber(PASTE_PROBABILITY, "Probability of pasting real clouds on a clear input",
                                         QgsProcessingParameterNumber.Type.Double, 0.5, minValue=0.0, maxValue=1.0),
            QgsProcessingParameterBoolean(USE_S1, "Use Sentinel-1 when given", True),
            QgsProcessingParameterNumber(THREADS, "CPU threads", QgsProcessingParameterNumber.Type.Integer, 2,
                                         minValue=1, maxValue=256),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        self.add_harmonize_parameter()
        self.addParameter(QgsProcessingParameterFileDestination(
            OUTPUT_MODEL, "Checkpoint", "Checkpoints (*.pt)"))
        self.addOutput(QgsProcessingOutputNumber(STEPS_DONE, "Steps done"))
        self.addOutput(QgsProcessingOutputNumber(FINAL_LOSS, "Final training loss"))
        self.addOutput(QgsProcessingOutputNumber(VALIDATION_RMSE, "Validation RMSE of the kept weights (0-1 reflectance)"))
        self.addOutput(QgsProcessingOutputNumber(BEST_STEP, "Step of the kept weights"))

    def parameter_problem(self, parameters, context):
        problem = super().parameter_problem(parameters, context)
        if problem:
            return problem
        has_series = bool(parameters.get(S2_LAYERS))
        has_dataset = bool(self.parameterAsString(parameters, DATASET_FOLDER, context))
        if has_series and has_dataset:
            return "Give either S2_LAYERS (with MASK_LAYERS) or DATASET_FOLDER, not both."
        if not has_series and not has_dataset:
            return "No training data: give S2_LAYERS with MASK_LAYERS, or DATASET_FOLDER."
        if has_series and not parameters.get(MASK_LAYERS):
            return "Training on your series needs MASK_LAYERS, one cloud mask per Sentinel-2 layer (0 = clear)."
        return None

    def required_packages(self):
        return ("numpy", "rasterio", "torch")

    def execute(self, parameters, context, reporter):
        from ..core.train import TrainSettings, train_seq2point

        s2 = self.layer_paths(parameters, S2_LAYERS, context)
        masks = self.layer_paths(parameters, MASK_LAYERS, context)
        s1 = self.layer_paths(parameters, S1_LAYERS, context)
        folder = self.parameterAsString(parameters, DATASET_FOLDER, context) or None
        extent, extent_crs = self.extent(parameters, context)
        settings = TrainSettings(
            architecture=ARCHITECTURES[self.parameterAsEnum(parameters, ARCHITECTURE, context)],
            n_inputs=self.parameterAsInt(parameters, N_INPUTS, context),
            steps=self.parameterAsInt(parameters, STEPS, context),
            max_minutes=self.parameterAsDouble(parameters, MAX_MINUTES, context),
            patience=self.parameterAsInt(parameters, PATIENCE, context),
            val_samples=SERIES_DEFAULTS["val_samples"],
            device=self.device_text(parameters, context),
            seed=self.parameterAsInt(parameters, SEED, context),
            dataset_split=SPLITS[self.parameterAsEnum(parameters, DATASET_SPLIT, context)],
            patch_size=self.parameterAsInt(parameters, PATCH_SIZE, context),
            batch_size=self.parameterAsInt(parameters, BATCH_SIZE, context),
            learning_rate=self.parameterAsDouble(parameters, LEARNING_RATE, context),
            val_fraction=self.parameterAsDouble(parameters, VALIDATION_FRACTION, context),
            checkpoint_every=self.parameterAsInt(parameters, CHECKPOINT_EVERY, context),
            resume=self.parameterAsBool(parameters, RESUME, context),
            init_model=self.parameterAsString(parameters, INIT_MODEL, context) or "",
            paste_probability=self.parameterAsDouble(parameters, PASTE_PROBABILITY, context),
            use_s1=None if self.parameterAsBool(parameters, USE_S1, context) else False,
            threads=self.parameterAsInt(parameters, THREADS, context),
            harmonize=self.harmonize(parameters, context))
        settings.val_every = max(1, min(100, settings.steps // 10 or 1))
        settings.log_every = max(1, min(10, settings.steps // 20 or 1))
        result = train_seq2point(
            self.parameterAsFileOutput(parameters, OUTPUT_MODEL, context), s2, masks, s1, folder, settings,
            extent=extent, extent_crs=extent_crs, reporter=reporter)
        validation = result.get("validation") or {}
        kept_rmse = result.get("best_validation_rmse")
        return {OUTPUT_MODEL: result["output"], STEPS_DONE: result["steps_done"],
                FINAL_LOSS: result["final_loss"] if result["final_loss"] is not None else float("nan"),
                VALIDATION_RMSE: kept_rmse if kept_rmse is not None else validation.get("rmse", float("nan")),
                BEST_STEP: result["best_step"] if result.get("best_step") is not None else result["steps_done"]}
