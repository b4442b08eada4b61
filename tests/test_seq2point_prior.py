"""crtsnet-lite-gapfill, the seq2point variant that corrects the gap filler's estimate: the prior
itself, an untrained network returning it exactly through the file path, the masks it needs, the
loader's refusal of a variant mismatch, and training that keeps the best weights, stops early and
keeps to its time budget (real Belgium series, real torch)."""

import datetime as dt

import numpy as np
import pytest
import rasterio

torch = pytest.importorskip("torch")

from s2cloudfree.core import evaluation_protocol as ep  # noqa: E402
from s2cloudfree.core import train as tr  # noqa: E402
from s2cloudfree.core.bands import TEN_BANDS  # noqa: E402
from s2cloudfree.core.errors import InputError  # noqa: E402
from s2cloudfree.core.gapfill import fill_series  # noqa: E402
from s2cloudfree.core.reporting import SilentReporter  # noqa: E402
from s2cloudfree.core.seq2point import gapfill_prior, network_input, seq2point  # noqa: E402
from s2cloudfree.models.checkpoint import CheckpointError, load_model, read_checkpoint, save_checkpoint  # noqa: E402
from s2cloudfree.models.crtsnet import build_model, model_config, validate_config  # noqa: E402

TINY = {"features": 8, "blocks_2d": 1, "blocks_3d": 1}


@pytest.fixture(scope="module")
def series(shared_data):
    """Belgium 2017-08-04 .. 2017-12-17 (24 dates) with masks."""
    folder = shared_data / "belgium_31UDS_s1s2"
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))[:24]
    masks = [p.replace("/s2_", "/clm_") for p in s2]
    return s2, masks


@pytest.fixture(scope="module")
def arrays(series):
    s2, masks = series
    return ep.load_series(s2, masks)


def untrained(tmp_path, n=3, use_s1=False):
    config = model_config("crtsnet-lite-gapfill", TEN_BANDS, n, use_s1, **TINY)
    torch.manual_seed(0)
    path = tmp_path / "prior.pt"
    save_checkpoint(path, build_model(config), config)
    return path, config


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
def test_the_prior_is_the_gap_fillers_estimate_of_the_target_date(arrays):
    inputs = [1, 3, 9]  # 42 %, 100 %, 100 % clear
    data = arrays.data[inputs] * 10000.0
    days = [arrays.dates[k] for k in inputs]
    target = arrays.dates[7]
    prior = gapfill_prior(data, arrays.clear[inputs], days, target, arrays.valid[inputs])
    # the same as filling the four dates with the target unobserved
    stack = np.insert(data, 2, np.nan, axis=0)
    clear = np.insert(arrays.clear[inputs], 2, False, axis=0)
    valid = np.insert(arrays.valid[inputs], 2, False, axis=0)
    expected = fill_series(stack, clear, days[:2] + [target] + days[2:], scale=10000.0, valid=valid)[2]
    assert np.allclose(prior, np.nan_to_num(expected), atol=1e-3)
    assert prior.shape == (10, 64, 64) and np.isfinite(prior).all() and prior.mean() > 100
    # a target day that is one of the inputs: that date's clear pixels as observed
    own = gapfill_prior(data, arrays.clear[inputs], days, days[0], arrays.valid[inputs])
    seen = arrays.clear[inputs[0]]
    assert seen.any() and not seen.all()
    assert np.allclose(own[:, seen], data[0][:, seen], atol=1e-2)
    assert not np.allclose(own[:, ~seen], data[0][:, ~seen], atol=100)  # its clouds are filled


def test_an_untrained_gapfill_variant_returns_the_prior_through_the_files(series, arrays, tmp_path):
    s2, masks = series
    model, _config = untrained(tmp_path)
    chosen = [1, 3, 9]
    out = tmp_path / "out.tif"
    target = "2017-09-20"
    reporter = SilentReporter()
    seq2point([s2[k] for k in chosen], str(out), str(model), mask_paths=[masks[k] for k in chosen],
              device="cpu", target_date=target, reporter=reporter)
    data = arrays.data[chosen] * 10000.0
    expected = gapfill_prior(data, arrays.clear[chosen], [arrays.dates[k] for k in chosen],
                             dt.date.fromisoformat(target), arrays.valid[chosen])
    with rasterio.open(out) as ds:
        written = ds.read().astype(np.float32)
        assert ds.tags()["S2CF_TARGET_DATE"] == target
    assert np.abs(written - np.clip(np.rint(expected), 1, 65535)).max() <= 1.0
    log = "\n".join(reporter.messages)
    assert "Prior: the gap filler's estimate of 2017-09-20 from these 3 dates" in log
    # without the masks it cannot make the prior: a clear error, no output
    with pytest.raises(InputError, match="give MASK_LAYERS"):
        seq2point([s2[k] for k in chosen], str(tmp_path / "none.tif"), str(model), device="cpu")
    assert not (tmp_path / "none.tif").exists()


def test_the_loader_refuses_weights_of_the_other_variant(tmp_path):
    path, config = untrained(tmp_path)
    payload = read_checkpoint(path)
    # the JSON edited to claim the paper's network: the weights still have the prior's channels
    payload["config"] = dict(config, architecture="crtsnet-lite", variant="paper",
                             in_channels=len(TEN_BANDS))
    validate_config(payload["config"])
    torch.save(payload, tmp_path / "edited.pt")
    with pytest.raises(CheckpointError, match="says it is the 'paper' variant, but its weights are those of "
                                              "the 'gapfill-prior' variant"):
        load_model(tmp_path / "edited.pt")
    with pytest.raises(InputError, match="is the gapfill-prior variant, but the configuration says paper"):
        validate_config(dict(config, variant="paper", in_channels=len(TEN_BANDS)))
    with pytest.raises(InputError, match="Unknown model variant"):
        validate_config(dict(config, variant="other"))
    # a checkpoint written before variants existed is the paper's network
    old = model_config("crtsnet-lite", TEN_BANDS, 3, False, **TINY)
    old.pop("variant")
    validate_config(old)
    assert build_model(old).__class__.__name__ == "CRTSNet"


def test_the_network_input_carries_the_prior_and_the_masks(arrays):
    config = model_config("crtsnet-lite-gapfill", TEN_BANDS, 3, False, **TINY)
    data = arrays.data[:3] * 10000.0
    prior = np.full((10, 64, 64), 2000.0, dtype=np.float32)
    x = network_input(data, None, arrays.valid[:3], config, prior, arrays.clear[:3])
    assert x.shape == (3, config["in_channels"], 64, 64) and config["in_channels"] == 21
    assert np.allclose(x[:, 10:20], 1.0) and np.array_equal(x[:, 20] > 0.5, arrays.clear[:3])
    with pytest.raises(InputError, match="MASK_LAYERS"):
        network_input(data, None, arrays.valid[:3], config)


def settings(**kw):
    base = dict(architecture="crtsnet-lite-gapfill", steps=4, patch_size=32, val_fraction=0.25, val_every=2,
                val_samples=4, log_every=1, checkpoint_every=100, device="cpu", threads=2, seed=5,
                network=dict(TINY), use_s1=False)
    base.update(kw)
    return tr.TrainSettings(**base)


def test_training_keeps_the_best_weights_and_stops_early(series, tmp_path):
    """With a learning rate of 0 no validation improves on the untrained network (the gap filler
    itself): training stops after PATIENCE of them and the checkpoint keeps the untrained weights,
    whose correction head is zero. With a real learning rate, the kept step is the best one."""
    s2, masks = series
    out = tmp_path / "best.pt"
    reporter = SilentReporter()
    result = tr.train_seq2point(out, s2, masks, settings=settings(steps=40, learning_rate=0.0, patience=2),
                                reporter=reporter)
    assert result["best_step"] == 0 and result["steps_done"] == 4
    assert result["stopped"] == f"early stop at step 4: 2 validations without a better RMSE than " \
                                f"{result['best_validation_rmse']:.4f} (step 0)"
    training = read_checkpoint(out)["training"]
    assert training["best_step"] == 0 and [v["step"] for v in training["validation"]] == [0, 2, 4]
    state = read_checkpoint(out)["state_dict"]
    assert float(state["out.weight"].abs().max()) == 0.0 and float(state["out.bias"].abs().max()) == 0.0
    assert "Training stopped: early stop" in "\n".join(reporter.messages)

    moving = tmp_path / "moving.pt"
    result = tr.train_seq2point(moving, s2, masks, settings=settings(steps=6, learning_rate=2e-3),
                                reporter=SilentReporter())
    training = read_checkpoint(moving)["training"]
    scores = {v["step"]: v["rmse"] for v in training["validation"]}
    assert set(scores) == {0, 2, 4, 6} and result["steps_done"] == 6 and result["stopped"] is None
    assert training["best_step"] == min(scores, key=scores.get) == result["best_step"]
    assert training["best_validation_rmse"] == min(scores.values())
    kept = read_checkpoint(moving)["state_dict"]["out.weight"]
    assert (float(kept.abs().max()) == 0.0) == (training["best_step"] == 0)


def test_training_keeps_to_its_time_budget(series, tmp_path):
    s2, masks = series
    result = tr.train_seq2point(tmp_path / "budget.pt", s2, masks,
                                settings=settings(steps=10_000, max_minutes=0.05, val_every=1000),
                                reporter=SilentReporter())
    assert result["stopped"].startswith("time budget of 0.05 min reached")
    assert 1 <= result["steps_done"] < 10_000


def test_series_defaults_and_the_gapfill_variant_samples(series):
    defaults = tr.series_settings()
    assert defaults.architecture == "crtsnet-lite-gapfill" and defaults.max_minutes == 20.0
    assert defaults.patience > 0 and defaults.learning_rate == 2e-4
    assert tr.TrainSettings().architecture == "crtsnet"  # the engine's own defaults stay the paper's
    s2, masks = series
    data = tr.SeriesData(s2, masks, None, settings(target_in_inputs=1.0, paste_probability=0.0))
    rng = np.random.default_rng(2)
    x, y, mask = data.sample(rng)
    assert x.shape == (3, 21, 32, 32) and y.shape == (10, 32, 32)
    # the prior is the same on every date; a clear target
    assert np.array_equal(x[0, 10:20], x[2, 10:20]) and mask.mean() > 0.9
    inputs, target, paste = data._pick(np.random.default_rng(3), tr.Window(0, 0, 32, 32))
    assert target in inputs and target in paste  # the target among the inputs, with another date's clouds
    data.close()
    with pytest.raises(InputError, match="trains on your own series"):
        tr.train_seq2point("x.pt", dataset_folder="/nonexistent", settings=settings())
