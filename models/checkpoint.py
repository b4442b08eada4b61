"""Seq2point checkpoints: weights + a JSON-serialisable configuration, loaded without code execution.

A checkpoint is a ``torch.save`` file of a plain dictionary::

    {"format": "s2cloudfree-seq2point", "version": 1,
     "config": {...},            # models.crtsnet.model_config(): bands, n, S1 use, normalisation, shape
     "state_dict": {...},        # tensors only
     "training": {...},          # what the weights saw: data, steps, losses (plain types; may be empty)
     "optimizer": {...},         # optional: Adam state for resuming
     "rng": {...}}               # optional: random generator states for resuming

It is always read with ``torch.load(path, weights_only=True)``: a file that needs arbitrary code to
unpickle (a pickled model object, for instance) is refused with a clear message instead of being run.
"""

import json
import os
import pickle
import tempfile

from ..core.dependencies import require
from ..core.errors import InputError

CHECKPOINT_FORMAT = "s2cloudfree-seq2point"
CHECKPOINT_VERSION = 1


class CheckpointError(InputError):
    """A model file cannot be used (missing, not a checkpoint, unsafe, damaged or not fitting)."""


def _plain(value, what):
    """``value`` itself after checking that JSON can write it (so that it stays loadable with
    weights_only and readable by people)."""
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"The checkpoint {what} is not JSON-serialisable: {exc}") from exc
    return value


def save_checkpoint(path, model_or_state, config, training=None, optimizer=None, rng=None):
    """Write a checkpoint atomically (a temporary file next to ``path``, then renamed)."""
    torch = require("torch")
    from .crtsnet import validate_config

    validate_config(config)
    state = model_or_state.state_dict() if hasattr(model_or_state, "state_dict") else model_or_state
    payload = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "config": _plain(config, "configuration"),
        "training": _plain(training or {}, "training record"),
        "state_dict": {k: v.detach().to("cpu") for k, v in state.items()},
    }
    if optimizer is not None:
        payload["optimizer"] = optimizer
    if rng is not None:
        payload["rng"] = rng
    path = os.path.abspath(str(path))
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".partial", dir=folder)
    os.close(fd)
    try:
        torch.save(payload, tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def read_checkpoint(path):
    """The checkpoint dictionary of ``path`` (tensors on the CPU), checked for format and version.

    Raises :class:`CheckpointError` for a missing file, a file torch cannot read, a file that
    would need code execution to load, or a torch file that is not an S2 CloudFree checkpoint."""
    torch = require("torch")
    path = str(path)
    if not os.path.exists(path):
        raise CheckpointError(f"The model file {path} does not exist.")
    if os.path.isdir(path):
        raise CheckpointError(f"The model {path} is a folder; give a checkpoint file (.pt).")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        text = str(exc).lower()
        if "global" in text and ("weights only" in text or "weights_only" in text):
            raise CheckpointError(
                f"The model file {path} holds Python objects that need code execution to load "
                "(for example a whole pickled model). It was refused for safety: only checkpoints "
                "of weights and settings are loaded (torch.load with weights_only=True). Save the "
                "state_dict with models.checkpoint.save_checkpoint instead.") from exc
        raise CheckpointError(f"The model file {path} is not a checkpoint torch can read: {exc}") from exc
    except Exception as exc:  # zip/magic-number errors, truncated files, text files ...
        raise CheckpointError(f"The model file {path} is not a checkpoint torch can read "
                              f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})."
                              ) from exc
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        hint = ""
        if isinstance(payload, dict) and payload and all(hasattr(v, "shape") for v in payload.values()):
            hint = (" It looks like a bare state_dict (for example the paper's original weights): "
                    "it carries no bands, number of dates or normalisation, so it cannot be used as is.")
        raise CheckpointError(f"The file {path} is a torch file but not an S2 CloudFree seq2point "
                              f"checkpoint (no format field '{CHECKPOINT_FORMAT}').{hint}")
    version = payload.get("version")
    if not isinstance(version, int) or version > CHECKPOINT_VERSION or version < 1:
        raise CheckpointError(f"The checkpoint {path} has version {version!r}; this plugin reads "
                              f"versions 1 to {CHECKPOINT_VERSION}. Update the plugin.")
    for key in ("config", "state_dict"):
        if not isinstance(payload.get(key), dict):
            raise CheckpointError(f"The checkpoint {path} is damaged: it has no {key}.")
    return payload


def load_model(path, device="cpu"):
    """(model in eval mode on ``device``, config, checkpoint dict) of a checkpoint file."""
    from .crtsnet import build_model, validate_config

    payload = read_checkpoint(path)
    config = payload["config"]
    try:
        validate_config(config)
    except InputError as exc:
        raise CheckpointError(f"The checkpoint {path} has an unusable configuration: {exc}") from exc
    _check_variant(path, config, payload["state_dict"])
    model = build_model(config)
    try:
        model.load_state_dict(payload["state_dict"], strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()
        raise CheckpointError(f"The weights in {path} do not match its configuration "
                              f"({first[1].strip() if len(first) > 1 else first[0]}).") from exc
    model.to(device)
    model.eval()
    return model, config, payload


def _check_variant(path, config, state_dict):
    """Refuse weights made for the other variant than the one the configuration names: the first
    convolution's input channels tell whether the network was given the gap filler's prior."""
    from .crtsnet import prior_channels, variant_of

    head = state_dict.get("head.weight")
    if head is None or len(getattr(head, "shape", ())) != 4:
        return
    base = len(config["bands"]) + (2 if config["use_s1"] else 0)
    found = {base + prior_channels(v, len(config["bands"])): v for v in ("paper", "gapfill-prior")}
    said = variant_of(config)
    actual = found.get(int(head.shape[1]))
    if actual is not None and actual != said:
        raise CheckpointError(
            f"The checkpoint {path} says it is the '{said}' variant, but its weights are those of the "
            f"'{actual}' variant ({int(head.shape[1])} input channels per date). The file was edited or "
            "written by another program; retrain or use the original file.")


def check_compatible(config, bands, n_available, has_s1, source="the inputs"):
    """Raise CheckpointError when a model of ``config`` cannot run on the inputs.

    ``bands``: the band names the S2 layers offer; ``n_available``: how many dates were given;
    ``has_s1``: whether S1 layers were given. Returns the list of warnings (strings)."""
    warnings = []
    model_bands = list(config["bands"])
    missing = [b for b in model_bands if b not in list(bands)]
    if missing:
        raise CheckpointError(
            f"The model was trained on the bands {' '.join(model_bands)}, but {source} lack "
            f"{' '.join(missing)} (they have {' '.join(bands)}). Use a model trained on these bands.")
    n = int(config["n_inputs"])
    if n_available < n:
        raise CheckpointError(f"The model needs {n} input dates but {source} have only "
                              f"{n_available}. Give at least {n} Sentinel-2 layers.")
    if config["use_s1"] and not has_s1:
        raise CheckpointError("The model was trained with Sentinel-1 (VV, VH) inputs: give S1_LAYERS, "
                              "or use a model trained without S1.")
    if not config["use_s1"] and has_s1:
        warnings.append("The model was trained without Sentinel-1: the S1 layers are ignored.")
    return warnings


def describe_training(training):
    """Log lines about what a checkpoint's weights saw (its model card)."""
    if not training:
        return ["Training record: none (untrained or external weights)."]
    lines = [f"Trained {training.get('steps_done', '?')} steps on {training.get('data', 'unknown data')}"]
    if training.get("validation"):
        last = training["validation"][-1]
        lines.append(f"Last validation (step {last.get('step')}): "
                     + ", ".join(f"{k} {v:.4f}" for k, v in last.items()
                                 if k != "step" and isinstance(v, (int, float))))
    return lines
