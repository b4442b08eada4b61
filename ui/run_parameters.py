"""What each one-click run needs and the Processing parameters the dock fills in for it.

The dock never hard-codes an algorithm's parameter list: it looks the algorithm up in the Processing
registry and fills the parameters the algorithm declares (S2_LAYERS, MASK_LAYERS, S1_LAYERS, INPUT,
EXTENT, DEVICE, MODEL and the outputs). A run is offered only when the algorithm is registered and
the inputs it requires are in the series.
"""

import os
from dataclasses import dataclass, field

from qgis.core import QgsApplication, QgsProcessing, QgsProcessingParameterDefinition

from .translation import tr, translatable


S2_LAYERS = "S2_LAYERS"
MASK_LAYERS = "MASK_LAYERS"
S1_LAYERS = "S1_LAYERS"
INPUT = "INPUT"
EXTENT = "EXTENT"
DEVICE = "DEVICE"
MODEL = "MODEL"
OUTPUT = "OUTPUT"
OUTPUT_FOLDER = "OUTPUT_FOLDER"

#: Parameters the dock fills from its own state (the rest keep the algorithm's defaults).
DOCK_PARAMETERS = (S2_LAYERS, MASK_LAYERS, S1_LAYERS, INPUT, EXTENT, DEVICE, MODEL)

DIALOG = "dialog"
BACKGROUND = "background"


@dataclass(frozen=True)
class RunSpec:
    key: str
    algorithm_id: str
    button: str            # button text
    result: str            # name of the result layers
    tooltip: str
    per_date: bool = False  # one run per checked Sentinel-2 date (cloud masks)
    needs: tuple = ("rasterio",)


RUNS = (
    RunSpec("cloudmask", "s2cloudfree:cloudmask", translatable("Cloud masks"), "cloud mask",
            translatable("s2cloudless cloud masks of the checked Sentinel-2 dates (L1C), one per date, for the "
                         "ROI. The masks are added to the series for the next runs."),
            per_date=True, needs=("rasterio", "s2cloudless")),
    RunSpec("leastcloudy", "s2cloudfree:leastcloudy", translatable("Least cloudy"), "least cloudy",
            translatable("The checked date with the fewest clouds in the ROI, unchanged.")),
    RunSpec("mosaic", "s2cloudfree:mosaic", translatable("Mosaic"), "mosaic",
            translatable("Per pixel, the mean of the clear observations of the checked dates.")),
    RunSpec("seq2seq", "s2cloudfree:seq2seq", "Seq2seq", "seq2seq",
            translatable("Sequence-to-sequence internal learning: a cloud-free version of every checked date, "
                         "from a network trained on the series itself (driven by Sentinel-1 or noise)."),
            needs=("rasterio", "torch")),
    RunSpec("seq2point", "s2cloudfree:seq2point", "Seq2point", "seq2point",
            translatable("CR-TS Net: one cloud-free image from the checked dates (and Sentinel-1), with a "
                         "trained model."),
            needs=("rasterio", "torch")),
)
RUN_BY_KEY = {spec.key: spec for spec in RUNS}


@dataclass
class RunInputs:
    """Everything the dock passes: layer entries of the series, ROI, device, model, output folder."""

    s2: list = field(default_factory=list)
    masks: list = None              # one per S2 entry (same order) or None
    s1: list = field(default_factory=list)
    roi: object = None               # ui.roi.Roi or None (the whole reference layer)
    device: str = "auto"
    model: str = ""
    output_folder: str = ""

    @classmethod
    def from_series(cls, series, roi=None, device="auto", model="", output_folder=""):
        return cls(s2=list(series.checked_s2), masks=series.paired_masks(), s1=list(series.checked_s1),
                   roi=roi, device=device or "auto", model=model or "", output_folder=output_folder or "")


def registered_algorithm(algorithm_id):
    """The algorithm from the Processing registry, or None when it is not registered."""
    return QgsApplication.processingRegistry().algorithmById(algorithm_id)


def _definitions(algorithm):
    return {d.name(): d for d in algorithm.parameterDefinitions()}


def _optional(definition):
    return bool(definition.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional)


def _ref(entry, for_dialog):
    # The dialog matches layer ids to the project's layers (it shows their names); a background run
    # gets file paths, which the worker thread opens itself.
    return entry.layer_id if for_dialog else entry.path


def unique_path(folder, stem, extension=".tif"):
    """``folder/stem.ext``, or ``stem_2.ext``, ``stem_3.ext``... when it exists."""
    path = os.path.join(folder, f"{stem}{extension}")
    n = 2
    while os.path.exists(path):
        path = os.path.join(folder, f"{stem}_{n}{extension}")
        n += 1
    return path


def default_mask_folder():
    """Where cloud masks go when no output folder is chosen (their names must carry the date)."""
    from qgis.core import QgsProcessingUtils

    folder = os.path.join(QgsProcessingUtils.tempFolder(), "s2cloudfree_masks")
    os.makedirs(folder, exist_ok=True)
    return folder


def output_stem(spec, s2_entry=None):
    if spec.per_date and s2_entry is not None:
        # the date in the file name pairs the mask with its image in the series
        return f"{spec.key}_{s2_entry.date.isoformat()}" if s2_entry.date else f"{spec.key}_{s2_entry.name}"
    return f"s2cf_{spec.key}"


def build_parameters(algorithm, spec, inputs, for_dialog=False, s2_entry=None):
    """The parameter dict of one run of ``spec``'s algorithm.

    ``for_dialog``: layers as project layer ids (the dialog shows them by name) and outputs only
    when an output folder is set; otherwise file paths and every output that the algorithm writes
    by default (in the output folder, else temporary files; cloud masks always get dated names).
    ``s2_entry``: the date of a per-date run (cloud masks); default the first checked date.
    """
    defs = _definitions(algorithm)
    params = {}
    if S2_LAYERS in defs and inputs.s2:
        params[S2_LAYERS] = [_ref(e, for_dialog) for e in inputs.s2]
    if MASK_LAYERS in defs and inputs.masks:
        params[MASK_LAYERS] = [_ref(e, for_dialog) for e in inputs.masks]
    if S1_LAYERS in defs and inputs.s1:
        params[S1_LAYERS] = [_ref(e, for_dialog) for e in inputs.s1]
    if INPUT in defs:
        single = s2_entry or (inputs.s2[0] if inputs.s2 else None)
        if single is not None:
            params[INPUT] = _ref(single, for_dialog)
    if EXTENT in defs and inputs.roi is not None and inputs.roi.is_valid():
        params[EXTENT] = inputs.roi.extent_string()
    if DEVICE in defs:
        params[DEVICE] = inputs.device or "auto"
    if MODEL in defs and inputs.model:
        params[MODEL] = inputs.model
    params.update(output_parameters(algorithm, spec, inputs, for_dialog, s2_entry))
    return params


def output_parameters(algorithm, spec, inputs, for_dialog=False, s2_entry=None):
    folder = inputs.output_folder
    if not folder and spec.per_date and not for_dialog:
        folder = default_mask_folder()
    if for_dialog and not folder:
        return {}
    out = {}
    s2_entry = s2_entry or (inputs.s2[0] if (spec.per_date and inputs.s2) else None)
    stem = output_stem(spec, s2_entry)
    for definition in algorithm.destinationParameterDefinitions():
        if _optional(definition) and not definition.createByDefault():
            continue  # optional extras (probability, count): the dialog offers them
        name = definition.name()
        if not folder:
            out[name] = QgsProcessing.TEMPORARY_OUTPUT
            continue
        suffix = "" if name in (OUTPUT, OUTPUT_FOLDER, "OUTPUT_MASK") else "_" + name.lower()
        if definition.type() == "folderDestination":
            out[name] = unique_path(folder, stem + suffix, extension="")
        else:
            extension = "." + (definition.defaultFileExtension() or "tif")
            out[name] = unique_path(folder, stem + suffix, extension)
    return out


def missing_inputs(algorithm, series):
    """Why the series cannot feed ``algorithm`` (list of sentences; empty when it can)."""
    defs = _definitions(algorithm)
    problems = []
    needs_s2 = S2_LAYERS in defs or INPUT in defs
    if needs_s2 and not series.checked_s2:
        problems.append(tr("check at least one Sentinel-2 layer"))
    if MASK_LAYERS in defs and not _optional(defs[MASK_LAYERS]) and series.checked_s2 \
            and series.paired_masks() is None:
        missing = series.missing_mask_dates()
        if missing:
            problems.append(tr("needs one cloud mask per checked date (missing for {dates}): run Cloud masks first")
                            .format(dates=_first_dates(missing)))
        else:
            problems.append(tr("needs one cloud mask per checked date: run Cloud masks first"))
    if S1_LAYERS in defs and not _optional(defs[S1_LAYERS]) and not series.checked_s1:
        problems.append(tr("needs Sentinel-1 layers"))
    return problems


def unfilled_required(algorithm, params):
    """Required parameters that have neither a value from the dock nor a default (e.g. MODEL)."""
    out = []
    for definition in algorithm.parameterDefinitions():
        if _optional(definition) or definition.isDestination():
            continue
        if definition.name() in params:
            continue
        if definition.defaultValue() is None:
            out.append(definition)
    return out


def availability(spec, series, mode=DIALOG, inputs=None, dependencies=None):
    """(enabled, reason) of the button for ``spec``.

    ``dependencies``: {package: importable} from the dock's dependency check (None: not checked)."""
    algorithm = registered_algorithm(spec.algorithm_id)
    if algorithm is None:
        return False, tr("{algorithm} is not available in this version of the plugin.").format(
            algorithm=spec.algorithm_id)
    for package in spec.needs:
        if dependencies and dependencies.get(package) is False:
            return False, tr("{run} needs the Python package '{package}' (see the top of the panel).").format(
                run=tr(spec.button), package=package)
    problems = missing_inputs(algorithm, series)
    if problems:
        return False, f"{tr(spec.button)}: " + "; ".join(problems) + "."
    note = ""
    defs = _definitions(algorithm)
    if MASK_LAYERS in defs and series.checked_s2 and series.paired_masks() is None:
        # optional masks that are not complete are not passed: the algorithm computes its own
        missing = series.missing_mask_dates()
        if series.checked_masks:
            note = " " + tr("The checked masks do not cover every date (missing for {dates}), so none are passed "
                            "and the algorithm computes cloud masks itself.").format(dates=_first_dates(missing))
        else:
            note = " " + tr("No cloud masks are checked: the algorithm computes them itself.")
    if mode == BACKGROUND:
        inputs = inputs or RunInputs.from_series(series)
        params = build_parameters(algorithm, spec, inputs, for_dialog=True)
        unfilled = unfilled_required(algorithm, params)
        if unfilled:
            names = ", ".join(d.description() or d.name() for d in unfilled)
            return False, tr("{run} needs {names}: set it here or use 'Open the dialog'.").format(
                run=tr(spec.button), names=names)
    return True, tr(spec.tooltip) + note


def _first_dates(dates):
    return ", ".join(dates[:4]) + ("…" if len(dates) > 4 else "")


def result_name(spec, series_inputs, s2_entry=None):
    """Layer name of a result: 'mosaic 2021-03-01 … 2021-04-25 (12 dates)'."""
    if spec.per_date and s2_entry is not None:
        return f"{spec.result} {s2_entry.date_text if s2_entry.date else s2_entry.name}"
    dated = [e.date for e in series_inputs.s2 if e.date]
    n = len(series_inputs.s2)
    if dated:
        span = min(dated).isoformat() if len(dated) == 1 else f"{min(dated).isoformat()} … {max(dated).isoformat()}"
        return f"{spec.result} {span} ({n} date{'s' if n != 1 else ''})"
    return f"{spec.result} ({n} date{'s' if n != 1 else ''})"

