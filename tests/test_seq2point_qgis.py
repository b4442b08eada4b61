"""Train -> checkpoint -> inference through QGIS Processing: the toolbox (processing.run), a saved
modeler model (sample -> train_seq2point + cloudmask_series -> seq2point) and qgis_process."""

import numpy as np
import pytest
import rasterio
from model_builder import add_step, new_model, saved_and_reloaded

pytest.importorskip("torch")

from s2cloudfree.models.checkpoint import load_model  # noqa: E402


@pytest.fixture(scope="module")
def provider(s2cf_provider):
    from s2cloudfree.processing_provider.seq2point_algorithm import Seq2PointAlgorithm
    from s2cloudfree.processing_provider.train_seq2point_algorithm import TrainSeq2PointAlgorithm

    if s2cf_provider.algorithm("seq2point") is None:
        s2cf_provider.addAlgorithm(Seq2PointAlgorithm())
    if s2cf_provider.algorithm("train_seq2point") is None:
        s2cf_provider.addAlgorithm(TrainSeq2PointAlgorithm())
    return s2cf_provider


@pytest.fixture(scope="module")
def trained(provider, belgium, shared_data, tmp_path_factory):
    """crtsnet-lite trained for 2 steps on the twelve Belgium dates through the toolbox."""
    import processing

    s2, masks = belgium
    folder = shared_data / "belgium_31UDS_s1s2"
    s1 = [str(p) for p in sorted(folder.glob("s1_2017-*.tif")) if str(p).rsplit("_", 1)[1] < "2017-10-15"]
    out = tmp_path_factory.mktemp("trained") / "belgium-lite.pt"
    result = processing.run("s2cloudfree:train_seq2point", {
        "S2_LAYERS": s2, "MASK_LAYERS": masks, "S1_LAYERS": s1, "ARCHITECTURE": 0, "N_INPUTS": 3,
        "STEPS": 2, "DEVICE": "cpu", "SEED": 1, "PATCH_SIZE": 32, "VALIDATION_FRACTION": 0.25,
        "OUTPUT_MODEL": str(out)})
    return result, s2, masks, s1


def test_algorithms_are_in_the_provider(provider):
    ids = {a.id() for a in provider.algorithms()}
    assert {"s2cloudfree:seq2point", "s2cloudfree:train_seq2point"} <= ids
    alg = provider.algorithm("seq2point")
    names = [p.name() for p in alg.parameterDefinitions()]
    for name in ("S2_LAYERS", "S1_LAYERS", "MASK_LAYERS", "MODEL", "EXTENT", "DEVICE", "SELECTION",
                 "MAX_DAYS", "OUTPUT"):
        assert name in names
    train = provider.algorithm("train_seq2point")
    names = [p.name() for p in train.parameterDefinitions()]
    for name in ("S2_LAYERS", "MASK_LAYERS", "S1_LAYERS", "ARCHITECTURE", "N_INPUTS", "STEPS", "DEVICE",
                 "SEED", "OUTPUT_MODEL", "DATASET_FOLDER", "RESUME", "PATCH_SIZE", "BATCH_SIZE"):
        assert name in names
    assert alg.required_packages() == ("numpy", "rasterio", "torch")
    # MODEL and INIT_MODEL: file inputs with a browse button for checkpoints (registry names are
    # typed into the same field: test_bad_model_is_a_clear_processing_error runs one)
    from qgis.core import QgsProcessingParameterFile

    for algorithm, name in ((alg, "MODEL"), (train, "INIT_MODEL"), (provider.algorithm("benchmark"), "MODEL")):
        definition = algorithm.parameterDefinition(name)
        assert isinstance(definition, QgsProcessingParameterFile) and "*.pt" in definition.fileFilter()


def test_train_then_infer_in_the_toolbox(trained, tmp_path):
    import processing

    result, s2, masks, s1 = trained
    assert result["STEPS_DONE"] == 2 and np.isfinite(result["FINAL_LOSS"])
    assert np.isfinite(result["VALIDATION_RMSE"])
    out = tmp_path / "cloudfree.tif"
    inference = processing.run("s2cloudfree:seq2point", {
        "S2_LAYERS": s2, "MASK_LAYERS": masks, "S1_LAYERS": s1, "MODEL": result["OUTPUT_MODEL"],
        "SELECTION": 1, "DEVICE": "cpu", "OUTPUT": str(out)})
    assert inference["DEVICE_USED"] == "cpu"
    # the three least cloudy of the twelve dates by their masks, in time order
    fractions = [rasterio.open(m).read(1).astype(bool).mean() for m in masks]
    best = sorted(sorted(range(len(masks)), key=lambda k: (fractions[k], k))[:3])
    assert inference["DATES_USED"] == ",".join(s2[k].rsplit("_", 1)[1][:10] for k in best)
    with rasterio.open(out) as ds, rasterio.open(s2[0]) as ref:
        assert ds.count == 10 and ds.crs == ref.crs and ds.transform == ref.transform
        assert ds.descriptions == ref.descriptions and ds.read().min() > 0
    # the default selection: the three dates nearest to TARGET_DATE
    dates = [p.rsplit("_", 1)[1][:10] for p in s2]
    target = dates[5]
    nearest = processing.run("s2cloudfree:seq2point", {
        "S2_LAYERS": s2, "MASK_LAYERS": masks, "S1_LAYERS": s1, "MODEL": result["OUTPUT_MODEL"],
        "TARGET_DATE": target, "DEVICE": "cpu", "OUTPUT": str(tmp_path / "nearest.tif")})
    import datetime as dt
    day = dt.date.fromisoformat(target)
    closest = sorted(sorted(range(len(dates)), key=lambda k: (abs((dt.date.fromisoformat(dates[k]) - day).days), k))[:3])
    assert nearest["DATES_USED"] == ",".join(dates[k] for k in closest) and target in nearest["DATES_USED"]


def test_bad_model_is_a_clear_processing_error(provider, belgium, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    s2, _masks = belgium
    text = tmp_path / "notes.pt"
    text.write_text("not a model")
    with pytest.raises(QgsProcessingException, match="not a checkpoint torch can read"):
        processing.run("s2cloudfree:seq2point", {"S2_LAYERS": s2[:3], "MODEL": str(text), "DEVICE": "cpu",
                                                 "OUTPUT": str(tmp_path / "x.tif")})
    with pytest.raises(QgsProcessingException, match="neither an existing"):
        processing.run("s2cloudfree:seq2point", {"S2_LAYERS": s2[:3], "MODEL": "no-such-model",
                                                 "OUTPUT": str(tmp_path / "x.tif")})
    assert not (tmp_path / "x.tif").exists()


def _chain(architecture):
    """sample -> train_seq2point; sample -> cloudmask_series; both -> seq2point (the 3 least cloudy
    dates by the computed masks). ``architecture`` None: the training default."""
    model = new_model("sample, cloud masks and seq2point")
    add_step(model, "s2cloudfree:sample", "sample", values={"DATES": 8, "SIZE": 48, "SEED": 3},
             outputs={"sample": "OUTPUT_FOLDER"})
    chosen = {} if architecture is None else {"ARCHITECTURE": architecture}
    add_step(model, "s2cloudfree:train_seq2point", "train",
             values={**chosen, "STEPS": 1, "DEVICE": "cpu", "PATCH_SIZE": 24, "VALIDATION_FRACTION": 0.0},
             links={name: ("sample", name) for name in ("S2_LAYERS", "MASK_LAYERS", "S1_LAYERS")},
             outputs={"model": "OUTPUT_MODEL"})
    add_step(model, "s2cloudfree:cloudmask_series", "cloudmask", values={"DEVICE": "cpu"},
             links={"S2_LAYERS": ("sample", "S2_LAYERS")}, outputs={"masks": "OUTPUT_FOLDER"})
    add_step(model, "s2cloudfree:seq2point", "seq2point", values={"SELECTION": 1, "DEVICE": "cpu"},
             links={"S2_LAYERS": ("sample", "S2_LAYERS"), "S1_LAYERS": ("sample", "S1_LAYERS"),
                    "MASK_LAYERS": ("cloudmask", "MASK_LAYERS"), "MODEL": ("train", "OUTPUT_MODEL")},
             outputs={"cloudfree": "OUTPUT"})
    return model


@pytest.mark.parametrize("architecture", [0, None], ids=["crtsnet-lite", "default-crtsnet-lite-gapfill"])
def test_saved_model_chaining_sample_train_cloudmask_and_seq2point(provider, tmp_path, architecture):
    import processing

    model = saved_and_reloaded(_chain(architecture), tmp_path / "seq2point.model3")
    out = tmp_path / "cloudfree.tif"
    result = processing.run(model, {"seq2point:cloudfree": str(out), "sample:sample": str(tmp_path / "sample"),
                                    "train:model": str(tmp_path / "model.pt"), "cloudmask:masks": str(tmp_path / "masks")})
    assert result["seq2point:cloudfree"] == str(out)
    with rasterio.open(out) as ds:
        assert ds.count == 13 and ds.shape == (48, 48)
        assert ds.descriptions[0] == "B01" and ds.read().min() > 0
        chained = ds.read()

    # The chain used the computed masks: the same model run directly on the 3 dates that are
    # least cloudy by those masks gives the same image, and they are not simply the first 3.
    s2 = sorted(str(p) for p in (tmp_path / "sample").glob("s2_*.tif"))
    s1 = sorted(str(p) for p in (tmp_path / "sample").glob("s1_*.tif"))
    masks = sorted((tmp_path / "masks").glob("*_cloudmask.tif"))
    assert [m.name for m in masks] == [p.rsplit("/", 1)[-1].replace(".tif", "_cloudmask.tif") for p in s2]
    cloudy = []
    for m in masks:
        with rasterio.open(m) as ds:
            cloudy.append(float((ds.read(1) != 0).mean()))
    chosen = sorted(np.argsort(cloudy, kind="stable")[:3].tolist())
    assert chosen != [0, 1, 2]
    config = load_model(tmp_path / "model.pt")[1]
    assert config["architecture"] == ("crtsnet-lite" if architecture == 0 else "crtsnet-lite-gapfill")
    direct = processing.run("s2cloudfree:seq2point", {
        "S2_LAYERS": [s2[k] for k in chosen], "S1_LAYERS": s1, "MODEL": str(tmp_path / "model.pt"),
        "MASK_LAYERS": [str(masks[k]) for k in chosen] if architecture is None else [],
        "DEVICE": "cpu", "OUTPUT": str(tmp_path / "direct.tif")})
    with rasterio.open(direct["OUTPUT"]) as ds:
        assert np.array_equal(ds.read(), chained)


@pytest.mark.qgis_process
def test_qgis_process_end_to_end_on_belgium(trained, tmp_path):
    from qgis_process_runner import qgis_process, run_algorithm

    listed = qgis_process("list")
    if "s2cloudfree:seq2point" not in listed.stdout:
        pytest.skip("seq2point is not registered in processing_provider/provider.py yet")
    _result, s2, masks, s1 = trained
    model = tmp_path / "cli.pt"
    params = ([("S2_LAYERS", p) for p in s2] + [("MASK_LAYERS", p) for p in masks]
              + [("S1_LAYERS", p) for p in s1])
    code, result, output = run_algorithm("s2cloudfree:train_seq2point", params + [
        ("ARCHITECTURE", 0), ("STEPS", 2), ("DEVICE", "cpu"), ("PATCH_SIZE", 32), ("OUTPUT_MODEL", model)])
    assert code == 0, output
    assert "Device: cpu" in output and "Checkpoint written" in output
    out = tmp_path / "cli.tif"
    code, result, output = run_algorithm("s2cloudfree:seq2point", [("S2_LAYERS", p) for p in s2[:3]]
                                         + [("S1_LAYERS", p) for p in s1]
                                         + [("MODEL", model), ("DEVICE", "cpu"), ("OUTPUT", out)])
    assert code == 0, output
    assert result["results"]["DEVICE_USED"] == "cpu"
    with rasterio.open(out) as ds:
        assert ds.count == 10 and ds.shape == (64, 64)
    code, _result, output = run_algorithm("s2cloudfree:seq2point", [("S2_LAYERS", p) for p in s2[:3]]
                                          + [("MODEL", tmp_path / "missing.pt"), ("OUTPUT", tmp_path / "y.tif")])
    assert code != 0 and "missing.pt" in output
    # the default network (crtsnet-lite-gapfill), then seq2point with the masks it needs
    default = tmp_path / "default.pt"
    code, result, output = run_algorithm("s2cloudfree:train_seq2point", params + [
        ("STEPS", 2), ("DEVICE", "cpu"), ("OUTPUT_MODEL", default)])
    assert code == 0, output
    assert "crtsnet-lite-gapfill" in output and "training patches of 56 px" in output
    assert result["results"]["BEST_STEP"] in (0, 2)
    code, result, output = run_algorithm("s2cloudfree:seq2point", [("S2_LAYERS", p) for p in s2]
                                         + [("MASK_LAYERS", p) for p in masks] + [("S1_LAYERS", p) for p in s1]
                                         + [("MODEL", default), ("TARGET_DATE", "2017-09-01"), ("DEVICE", "cpu"),
                                            ("OUTPUT", tmp_path / "gapfill-variant.tif")])
    assert code == 0, output
    assert "Prior: the gap filler's estimate of 2017-09-01" in output
    with rasterio.open(tmp_path / "gapfill-variant.tif") as ds:
        assert ds.count == 10 and ds.tags()["S2CF_TARGET_DATE"] == "2017-09-01"
    code, _result, output = run_algorithm("s2cloudfree:seq2point", [("S2_LAYERS", p) for p in s2]
                                          + [("S1_LAYERS", p) for p in s1]
                                          + [("MODEL", default), ("DEVICE", "cpu"), ("OUTPUT", tmp_path / "z.tif")])
    assert code != 0 and "give MASK_LAYERS" in output
