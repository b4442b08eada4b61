"""What every S2 CloudFree algorithm shares: parameters, feedback, errors, toolbox groups and help."""

import os
import re

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import QUrl

from ..ui.translation import tr

#: The browse filter of MODEL / INIT_MODEL inputs (a registry name may be typed instead).
MODEL_FILE_FILTER = "Checkpoints (*.pt *.pth);;All files (*)"

#: Toolbox groups: stable ids (models refer to them) and their names.
GROUP_NAMES = {"cloudmasks": "Cloud masks", "composites": "Composites", "cloudremoval": "Cloud removal",
               "evaluation": "Evaluation", "utilities": "Utilities"}
GROUP_OF = {"cloudmask": "cloudmasks", "cloudmask_series": "cloudmasks", "leastcloudy": "composites",
            "mosaic": "composites", "gapfill": "composites", "seq2seq": "cloudremoval",
            "seq2point": "cloudremoval", "train_seq2point": "cloudremoval", "evaluate": "evaluation",
            "benchmark": "evaluation", "sample": "utilities"}
GROUP_TAGS = {"cloudmasks": ("cloud", "mask", "shadow", "s2cloudless", "scl"),
              "composites": ("composite", "mosaic", "cloud-free", "gap filling", "time series"),
              "cloudremoval": ("cloud removal", "deep learning", "sentinel-1", "sar", "time series"),
              "evaluation": ("rmse", "ssim", "psnr", "quality", "report"),
              "utilities": ("sample", "test data")}
_PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _anchor(heading):
    """The anchor a Markdown renderer (GitHub's rule) gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def help_url(name):
    """URL of the README section that documents ``s2cloudfree:<name>``."""
    readme = os.path.join(_PLUGIN_DIR, "README.md")
    anchor = ""
    try:
        with open(readme, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") and f"`s2cloudfree:{name}`" in line:
                    anchor = _anchor(line.lstrip("#"))
                    break
    except OSError:
        return ""
    from ..core.plugin_metadata import metadata_value

    homepage = metadata_value("homepage")
    if homepage.startswith("https://"):
        return f"{homepage}#{anchor}" if anchor else homepage
    return QUrl.fromLocalFile(readme).toString() + (f"#{anchor}" if anchor else "")


# Same value as core.windows.DEFAULT_MEMORY_MB (not imported: loading the provider
# must not import core modules).
DEFAULT_MEMORY_MB = 256

S2_LAYERS = "S2_LAYERS"
MASK_LAYERS = "MASK_LAYERS"
EXTENT = "EXTENT"
MEMORY_MB = "MEMORY_MB"
DEVICE = "DEVICE"
THRESHOLD = "THRESHOLD"
AVERAGE_OVER = "AVERAGE_OVER"
DILATION_SIZE = "DILATION_SIZE"
METHOD = "METHOD"
SCL_CLASSES = "SCL_CLASSES"
#: Cloud-mask methods (index = the METHOD enum value; new ones go at the end)
MASK_METHODS = (("s2cloudless", "s2cloudless (Level-1C; clouds)"),
                ("scl", "Sen2Cor scene classification (an SCL layer; clouds, shadows, cirrus)"),
                ("csmask", "ukis-csmask detector (Level-2A or Level-1C; clouds and shadows)"),
                ("auto", "Automatic: s2cloudless for Level-1C, ukis-csmask for Level-2A"))
AUTO_METHOD = 3
CSMASK_HELP = (
    "METHOD 'ukis-csmask' runs the cloud and cloud-shadow detector of DLR's ukis-csmask package "
    "(Apache-2.0; trained U-Nets shipped inside the package, run with onnxruntime, nothing downloaded) "
    "on Level-2A or Level-1C: the 6-band model when B02 B03 B04 B08 B11 B12 are there, else the 4-band "
    "model (B02 B03 B04 B08); by default at 30 m, as its models were trained (blocks averaged, classes "
    "given back to the 10 m pixels). Needs the Python packages ukis-csmask and onnxruntime.")
SCL_HELP = (
    "METHOD 'Sen2Cor scene classification' turns the SCL layer that comes with every Level-2A "
    "product into the mask instead of running s2cloudless: SCL_CLASSES are the classes that are "
    "not clear (default 3,8,9,10: cloud shadows, cloud medium and high probability, thin cirrus; "
    "add 11 to count snow, 1 for saturated pixels), class 0 and pixels the Sentinel-2 layer does not "
    "observe are nodata. An SCL at 20 m is resampled onto the 10 m grid by nearest neighbour.")

CLOUDMASK_SETTINGS_HELP = (
    "Cloud masks follow s2cloudless with the settings of the SEN12MS-CR-TS data set: "
    "THRESHOLD 0.4 on the cloud probability, AVERAGE_OVER 4 (radius in pixels of the disk the "
    "probability is averaged over before thresholding) and DILATION_SIZE 2 (radius of the disk "
    "the mask is dilated with). The s2cloudless package's own defaults are 1 and 1.")
#: Help of the algorithms whose MASK_LAYERS are optional.
COMPUTED_MASKS_HELP = (
    "Without MASK_LAYERS, masks are computed for the region of interest with s2cloudless "
    "(the Level-1C bands B01 B02 B04 B05 B08 B8A B09 B10 B11 B12 are needed). ") + CLOUDMASK_SETTINGS_HELP
THREADS = "THREADS"
HARMONIZE = "HARMONIZE"
HARMONIZE_OPTIONS = (("auto", "Automatic: metadata, else acquisition date and values"),
                     ("on", "Remove the 1000 DN offset from every layer"),
                     ("off", "Use the values as they are"))
HARMONIZE_HELP = (
    "Products of processing baseline 04.00 and later (acquired from 25 January 2022) carry a +1000 DN "
    "offset. HARMONIZE (advanced) removes it as each layer is read, so that a series spanning the change "
    "is on one scale: 'auto' (default) takes the offset from the metadata (RADIO_ADD_OFFSET / "
    "BOA_ADD_OFFSET, or the processing baseline), else assumes none before 25 January 2022, else "
    "removes it when the layer has no value below 1000 DN in any band (already harmonised products, "
    "as Earth Engine and Sentinel Hub deliver them, keep their values); the log says per layer what "
    "was done. Outputs are on the pre-2022 scale (GeoTIFF tag S2CF_DN_SCALE).")


#: The tab of QGIS's Log Messages panel that gets the run logs (in the desktop application).
LOG_TAB = "S2 CloudFree"


class FeedbackReporter:
    """Adapts ``QgsProcessingFeedback`` to the core library's reporter interface. In the QGIS desktop
    application the messages also go to the "S2 CloudFree" tab of the Log Messages panel (not in
    qgis_process or scripts, whose output stays as it is); ``log_panel`` forces the choice."""

    def __init__(self, feedback, log_panel=None):
        self.feedback = feedback
        if log_panel is None:
            from qgis.core import QgsApplication

            app = QgsApplication.instance()
            log_panel = app is not None and QgsApplication.platform() == "desktop"
        self.log_panel = bool(log_panel)

    def _log(self, message, warning=False):
        if self.log_panel:
            from qgis.core import Qgis, QgsMessageLog

            QgsMessageLog.logMessage(message, LOG_TAB, Qgis.MessageLevel.Warning if warning else Qgis.MessageLevel.Info, False)

    def info(self, message):
        self.feedback.pushInfo(message)
        self._log(message)

    def warning(self, message):
        self.feedback.pushWarning(message)
        self._log(message, warning=True)

    def set_progress(self, percent):
        self.feedback.setProgress(percent)

    def is_cancelled(self):
        return self.feedback.isCanceled()

    def check_cancelled(self):
        if self.is_cancelled():
            from ..core.errors import CancelledError

            raise CancelledError()


class S2CloudFreeAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses define the parameters and ``execute(parameters, context, reporter)``."""

    def createInstance(self):  # noqa: N802 (QGIS API)
        return type(self)()

    def group(self):
        return tr(GROUP_NAMES.get(self.groupId(), ""))

    def tr(self, text):
        return tr(text)

    def addParameter(self, parameter, createOutput=True):  # noqa: N802, N803 (QGIS API)
        """Every parameter's label and choices go through the translation (ui/translation.py)."""
        parameter.setDescription(tr(parameter.description()))
        if isinstance(parameter, QgsProcessingParameterEnum):
            parameter.setOptions([tr(option) for option in parameter.options()])
        return super().addParameter(parameter, createOutput)

    def addOutput(self, output):  # noqa: N802 (QGIS API)
        output.setDescription(tr(output.description()))
        return super().addOutput(output)

    def groupId(self):  # noqa: N802 (QGIS API)
        return GROUP_OF.get(self.name(), "")

    def icon(self):
        """The icon of the algorithm's group (ui/icons/group_<id>.svg)."""
        from qgis.PyQt.QtGui import QIcon

        return QIcon(self.svgIconPath())

    def svgIconPath(self):  # noqa: N802 (QGIS API)
        path = os.path.join(_PLUGIN_DIR, "ui", "icons", f"group_{self.groupId()}.svg")
        return path if os.path.exists(path) else os.path.join(_PLUGIN_DIR, "ui", "icons", "s2cloudfree.svg")

    def tags(self):
        return list(GROUP_TAGS.get(self.groupId(), ())) + ["sentinel-2", "s2cloudfree", self.name()]

    def help_text(self):
        """The help in English, paragraphs separated by blank lines (each algorithm writes its own)."""
        raise NotImplementedError

    def shortHelpString(self):  # noqa: N802 (QGIS API)
        """The help in the user's language, translated paragraph by paragraph."""
        return "\n\n".join(tr(paragraph) for paragraph in self.help_text().split("\n\n"))

    def shortDescription(self):  # noqa: N802 (QGIS API)
        """The first sentence of the help (the toolbox's tooltip)."""
        text = " ".join(self.shortHelpString().split())
        end = text.find(". ")
        return text if end < 0 else text[:end + 1]

    def helpUrl(self):  # noqa: N802 (QGIS API)
        """The algorithm's section of the README: on the project's home page when metadata.txt names
        one, else the README shipped with the plugin."""
        return help_url(self.name())

    # -- parameters shared by several algorithms ---------------------------------
    def add_advanced_parameter(self, parameter):
        """Add ``parameter`` flagged advanced (shown under 'Advanced parameters')."""
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
        self.addParameter(parameter)

    def add_series_parameters(self, masks_optional):
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S2_LAYERS, "Sentinel-2 layers (the time series)", QgsProcessing.SourceType.TypeRaster))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            MASK_LAYERS, "Cloud masks (one per Sentinel-2 layer; 0 = clear, anything else = cloud)",
            QgsProcessing.SourceType.TypeRaster, optional=masks_optional))
        self.addParameter(QgsProcessingParameterExtent(
            EXTENT, "Region of interest (default: the first Sentinel-2 layer)", optional=True))

    def add_harmonize_parameter(self):
        """HARMONIZE (advanced): the processing-baseline 04.00 offset rule."""
        from qgis.core import QgsProcessingParameterEnum

        self.add_advanced_parameter(QgsProcessingParameterEnum(
            HARMONIZE, "Processing baseline 04.00 offset (+1000 DN)", [t for _, t in HARMONIZE_OPTIONS],
            defaultValue=0))

    def harmonize(self, parameters, context):
        """'auto', 'on' or 'off' from HARMONIZE ('auto' when the algorithm has no such parameter)."""
        if HARMONIZE not in parameters or parameters.get(HARMONIZE) in (None, ""):
            return "auto"
        return HARMONIZE_OPTIONS[self.parameterAsEnum(parameters, HARMONIZE, context)][0]

    #: name of the cloud-mask method parameter of algorithms that compute masks when none are given
    #: (an algorithm whose own METHOD means something else names it otherwise)
    MASK_METHOD_PARAMETER = METHOD

    def add_cloudmask_parameters(self, advanced):
        """THRESHOLD, AVERAGE_OVER and DILATION_SIZE (s2cloudless post-processing); with
        ``advanced``, also the mask method (:attr:`MASK_METHOD_PARAMETER`)."""
        parameters = (
            QgsProcessingParameterNumber(THRESHOLD, "Cloud probability threshold",
                                         QgsProcessingParameterNumber.Type.Double, 0.4, minValue=0.0, maxValue=1.0),
            QgsProcessingParameterNumber(AVERAGE_OVER, "Average probability over a disk of radius (px)",
                                         QgsProcessingParameterNumber.Type.Integer, 4, minValue=0, maxValue=64),
            QgsProcessingParameterNumber(DILATION_SIZE, "Dilate the mask by a disk of radius (px)",
                                         QgsProcessingParameterNumber.Type.Integer, 2, minValue=0, maxValue=64),
        )
        if advanced:
            # algorithms that compute masks when none are given: which method (the SCL needs its
            # layers, so it is made with cloudmask_series and given as MASK_LAYERS)
            parameters = (QgsProcessingParameterEnum(
                self.MASK_METHOD_PARAMETER, "Cloud mask method when no masks are given",
                [label for _, label in MASK_METHODS], defaultValue=AUTO_METHOD),) + parameters
        for parameter in parameters:
            if advanced:
                self.add_advanced_parameter(parameter)
            else:
                self.addParameter(parameter)

    def add_mask_method_parameters(self):
        """METHOD (automatic by default) and SCL_CLASSES."""
        self.addParameter(QgsProcessingParameterEnum(
            METHOD, "Cloud mask method", [label for _, label in MASK_METHODS], defaultValue=AUTO_METHOD))
        self.addParameter(QgsProcessingParameterString(
            SCL_CLASSES, "SCL classes that are not clear (Sen2Cor method)", defaultValue="3,8,9,10",
            optional=True))

    def mask_method(self, parameters, context):
        """The mask method chosen (its default when not given); s2cloudless for algorithms without one."""
        if self.parameterDefinition(self.MASK_METHOD_PARAMETER) is None:
            return "s2cloudless"
        return MASK_METHODS[self.parameterAsEnum(parameters, self.MASK_METHOD_PARAMETER, context)][0]

    def scl_classes(self, parameters, context):
        from ..core.scl_mask import parse_classes

        return parse_classes(self.parameterAsString(parameters, SCL_CLASSES, context))

    def cloudmask_settings(self, parameters, context):
        from ..core.series_masks import CloudMaskSettings

        return CloudMaskSettings(
            threshold=self.parameterAsDouble(parameters, THRESHOLD, context),
            average_over=self.parameterAsInt(parameters, AVERAGE_OVER, context),
            dilation_size=self.parameterAsInt(parameters, DILATION_SIZE, context),
            harmonize=self.harmonize(parameters, context), method=self.mask_method(parameters, context))

    def add_device_parameter(self, advanced=False):
        parameter = QgsProcessingParameterString(
            DEVICE, "Device (auto, cpu, cuda, cuda:N, mps)", defaultValue="auto")
        if advanced:
            self.add_advanced_parameter(parameter)
        else:
            self.addParameter(parameter)

    def device_text(self, parameters, context, needs_torch=True):
        """The DEVICE string with 'auto' resolved against the plugin setting; without torch
        installed, 'auto' means the CPU."""
        from .settings import preferred_device

        text = (self.parameterAsString(parameters, DEVICE, context) or "auto").strip().lower()
        if text in ("", "auto"):
            text = preferred_device() or "auto"
        if text == "auto":
            import importlib.util

            if importlib.util.find_spec("torch") is None:
                return "cpu"
            from ..core.device import resolve_device

            return str(resolve_device("auto"))
        return text

    def add_performance_parameters(self):
        memory = QgsProcessingParameterNumber(
            MEMORY_MB, "Memory budget for working arrays (MB)", QgsProcessingParameterNumber.Type.Integer,
            DEFAULT_MEMORY_MB, minValue=32, maxValue=1024 * 1024)
        threads = QgsProcessingParameterNumber(
            THREADS, "Reading threads", QgsProcessingParameterNumber.Type.Integer, 2, minValue=1, maxValue=64)
        for parameter in (memory, threads):
            self.add_advanced_parameter(parameter)

    def layer_paths(self, parameters, name, context):
        """File paths of the raster layers of a multiple-layer parameter, in the given order."""
        return [self.raster_path(layer, name)
                for layer in self.parameterAsLayerList(parameters, name, context) or []]

    @staticmethod
    def raster_path(layer, name):
        """The file behind a raster layer; QgsProcessingException for other layers."""
        if not isinstance(layer, QgsRasterLayer):
            raise QgsProcessingException(f"{name}: the layer '{layer.name()}' is not a raster layer.")
        if layer.providerType() != "gdal":
            raise QgsProcessingException(
                f"{name}: the layer '{layer.name()}' is not a file-based raster "
                f"(provider {layer.providerType()}); save it as a GeoTIFF first.")
        return layer.source().split("|", 1)[0]

    @staticmethod
    def input_error(message):
        return QgsProcessingException(message)

    def extent(self, parameters, context):
        """(bounds, crs) of the EXTENT parameter, or (None, None) when it is not set."""
        if parameters.get(EXTENT) in (None, ""):
            return None, None
        rect = self.parameterAsExtent(parameters, EXTENT, context)
        if rect is None or rect.isNull() or rect.isEmpty():
            return None, None
        crs = self.parameterAsExtentCrs(parameters, EXTENT, context)
        crs_text = None
        if crs is not None and crs.isValid():
            crs_text = crs.authid() if crs.authid().upper().startswith("EPSG:") else crs.toWkt()
        return (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()), crs_text

    def performance(self, parameters, context):
        memory = self.parameterAsInt(parameters, MEMORY_MB, context) if MEMORY_MB in parameters else 0
        threads = self.parameterAsInt(parameters, THREADS, context) if THREADS in parameters else 0
        return memory or DEFAULT_MEMORY_MB, threads or 2

    # -- running ------------------------------------------------------------------
    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        """What is cheap to check before a run, so that the dialog and the modeler flag it: one mask
        (and one SCL layer) per Sentinel-2 layer, and what :meth:`parameter_problem` adds."""
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = self.parameter_problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def parameter_problem(self, parameters, context):
        """A message about inconsistent parameter values, or None (subclasses add their own)."""
        names = {d.name() for d in self.parameterDefinitions()}
        if S2_LAYERS not in names or not parameters.get(S2_LAYERS):
            return None
        count = len(self.parameterAsLayerList(parameters, S2_LAYERS, context) or [])
        for other, what in ((MASK_LAYERS, "mask layers"), ("SCL_LAYERS", "scene classification layers")):
            if other in names and parameters.get(other):
                given = len(self.parameterAsLayerList(parameters, other, context) or [])
                if given and given != count:
                    return (f"{other}: {given} {what} were given for {count} S2 layers (S2_LAYERS); give one "
                            "per S2 layer, in the same order (or none).")
        return None

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        from ..core.dependencies import require
        from ..core.errors import CancelledError, S2CloudFreeError

        reporter = FeedbackReporter(feedback)
        try:
            for package in self.required_packages():
                require(package)
            if "torch" in self.required_packages():
                self.apply_torch_thread_limit(reporter)
            outputs = self.execute(parameters, context, reporter)
            if outputs and outputs.get("DEVICE_USED"):
                from .settings import set_last_device_used

                set_last_device_used(outputs["DEVICE_USED"], requested=parameters.get(DEVICE),
                                     algorithm=self.id())
            return outputs
        except CancelledError as exc:
            feedback.reportError(str(exc), fatalError=True)
            raise QgsProcessingException(str(exc)) from exc
        except S2CloudFreeError as exc:
            raise QgsProcessingException(str(exc)) from exc

    @staticmethod
    def apply_torch_thread_limit(reporter):
        """The panel's torch thread limit (0: torch decides) keeps QGIS responsive."""
        from .settings import torch_threads

        limit = torch_threads()
        if limit > 0:
            import torch

            torch.set_num_threads(limit)
            reporter.info(f"Torch thread limit from the plugin settings: {limit}.")

    def required_packages(self):
        return ("numpy", "rasterio")

    def execute(self, parameters, context, reporter):
        raise NotImplementedError
