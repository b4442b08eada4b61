"""``s2cloudfree:seq2seq`` through QGIS Processing (pytest-qgis)."""

import os

import numpy as np
import pytest
import rasterio

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def seq2seq_alg(s2cf_provider):
    from s2cloudfree.processing_provider.seq2seq_algorithm import Seq2SeqAlgorithm

    if s2cf_provider.algorithm("seq2seq") is None:
        s2cf_provider.addAlgorithm(Seq2SeqAlgorithm())
    return s2cf_provider.algorithm("seq2seq")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from s2cloudfree.core.sample import generate_sample_series

    return generate_sample_series(str(tmp_path_factory.mktemp("qgis_s2s")), n_dates=5, size=36, seed=3)


class _Feedback:
    def __new__(cls):
        from qgis.core import QgsProcessingFeedback

        class Recorder(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.lines = []

            def pushInfo(self, text):  # noqa: N802 (QGIS API)
                self.lines.append(text)
                super().pushInfo(text)

        return Recorder()


def test_parameters(seq2seq_alg):
    from qgis.core import QgsProcessingParameterDefinition

    assert seq2seq_alg.id() == "s2cloudfree:seq2seq"
    names = {p.name(): p for p in seq2seq_alg.parameterDefinitions()}
    for name in ("S2_LAYERS", "S1_LAYERS", "MASK_LAYERS", "EXTENT", "DEVICE", "SEED", "PRESET", "PASSES", "STEPS",
                 "LEARNING_RATE", "BATCH_DATES", "TILE_SIZE", "TILE_OVERLAP", "MAX_DAYS", "RAW_OUTPUT",
                 "OUTPUT_FOLDER"):
        assert name in names, name
    assert names["S1_LAYERS"].flags() & QgsProcessingParameterDefinition.FlagOptional
    # masks are computed with s2cloudless when none are given (as for mosaic and gapfill)
    assert names["MASK_LAYERS"].flags() & QgsProcessingParameterDefinition.FlagOptional
    for name in ("THRESHOLD", "AVERAGE_OVER", "DILATION_SIZE", "HARMONIZE"):
        assert names[name].flags() & QgsProcessingParameterDefinition.FlagAdvanced, name
    for name in ("PASSES", "STEPS", "LEARNING_RATE", "BATCH_DATES", "TILE_SIZE", "TILE_OVERLAP", "MAX_DAYS",
                 "RAW_OUTPUT"):
        assert names[name].flags() & QgsProcessingParameterDefinition.FlagAdvanced, name
    assert names["PRESET"].options()[0].startswith("fast")
    assert names["PRESET"].options()[1].startswith("paper")
    assert names["MAX_DAYS"].defaultValue() == 14
    assert names["DEVICE"].defaultValue() == "auto"
    assert seq2seq_alg.required_packages() == ("numpy", "rasterio", "torch")


def test_runs_through_processing(seq2seq_alg, sample, tmp_path):
    import processing

    feedback = _Feedback()
    out = tmp_path / "cloudfree"
    result = processing.run("s2cloudfree:seq2seq", {
        "S2_LAYERS": sample.s2, "MASK_LAYERS": sample.masks, "S1_LAYERS": sample.s1,
        "DEVICE": "cpu", "SEED": 1, "PRESET": 0, "PASSES": 1, "STEPS": 2, "BATCH_DATES": 5, "CPU_THREADS": 1,
        "OUTPUT_FOLDER": str(out)}, feedback=feedback)
    assert result["DEVICE_USED"] == "cpu"
    assert result["OUTPUT_FOLDER"] == str(out)
    assert [os.path.basename(p) for p in result["OUTPUT_LAYERS"]] == \
        [os.path.basename(p).replace(".tif", "_cloudfree.tif") for p in sample.s2]
    assert any(line.startswith("Device: cpu") for line in feedback.lines)
    # the STEPS override reaches the fit, and the run reports its own error
    assert any(line.startswith("Schedule:") and "2 Adam steps per tile" in line for line in feedback.lines)
    assert any("held-out clear pixels" in line for line in feedback.lines)
    for src, mask, got in zip(sample.s2, sample.masks, result["OUTPUT_LAYERS"]):
        with rasterio.open(src) as s, rasterio.open(got) as g, rasterio.open(mask) as m:
            assert (g.crs, g.transform, g.count, g.dtypes) == (s.crs, s.transform, s.count, s.dtypes)
            clear = m.read(1) == 0
            assert np.array_equal(g.read()[:, clear], s.read()[:, clear])


def test_unavailable_device_is_a_clear_error(seq2seq_alg, sample, tmp_path):
    import processing
    import torch
    from qgis.core import QgsProcessingException

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(QgsProcessingException, match="CUDA"):
        processing.run("s2cloudfree:seq2seq", {
            "S2_LAYERS": sample.s2, "MASK_LAYERS": sample.masks, "DEVICE": "cuda", "STEPS": 1, "PASSES": 1,
            "OUTPUT_FOLDER": str(tmp_path / "o")})
    assert not (tmp_path / "o").exists() or os.listdir(tmp_path / "o") == []


def test_cancel_through_feedback_leaves_nothing(seq2seq_alg, sample, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    class CancelSoon(QgsProcessingFeedback):
        def setProgress(self, value):  # noqa: N802 (QGIS API)
            super().setProgress(value)
            if value > 0:
                self.cancel()

    alg = seq2seq_alg.create()
    out = tmp_path / "o"
    params = {"S2_LAYERS": sample.s2, "MASK_LAYERS": sample.masks, "DEVICE": "cpu", "STEPS": 5, "PASSES": 2, "CPU_THREADS": 1,
              "OUTPUT_FOLDER": str(out)}
    context = QgsProcessingContext()
    feedback = CancelSoon()
    ok, _ = alg.run(params, context, feedback, catchExceptions=True)
    assert not ok
    assert not out.exists() or os.listdir(out) == []
    with pytest.raises(QgsProcessingException):
        alg.run(params, context, CancelSoon(), catchExceptions=False)
