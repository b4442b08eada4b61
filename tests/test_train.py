"""Training CR-TS Net on the real Belgium series: checkpoints that load and run, overfitting a real
patch, repeatability, resume, cancel, the validation split by area and the command line."""

import subprocess
import sys

import numpy as np
import pytest
import rasterio

torch = pytest.importorskip("torch")

from s2cloudfree.core import train as tr  # noqa: E402
from s2cloudfree.core.bands import TEN_BANDS  # noqa: E402
from s2cloudfree.core.errors import InputError  # noqa: E402
from s2cloudfree.core.reporting import SilentReporter  # noqa: E402
from s2cloudfree.core.seq2point import seq2point  # noqa: E402
from s2cloudfree.models.checkpoint import load_model, read_checkpoint  # noqa: E402
from s2cloudfree.models.crtsnet import build_model, model_config  # noqa: E402

TINY = {"features": 8, "blocks_2d": 1, "blocks_3d": 1}


@pytest.fixture(scope="module")
def series(shared_data):
    """The first 24 dates (2017-08-04 .. 2017-12-17) with masks, and the S1 dates of that period."""
    folder = shared_data / "belgium_31UDS_s1s2"
    s2 = sorted(str(p) for p in folder.glob("s2_*.tif"))[:24]
    masks = [p.replace("/s2_", "/clm_") for p in s2]
    s1 = [str(p) for p in sorted(folder.glob("s1_*.tif")) if str(p).rsplit("_", 1)[1] < "2018-01-05"]
    return s2, masks, s1


def settings(**kw):
    base = dict(architecture="crtsnet-lite", steps=4, patch_size=32, val_fraction=0.25, val_every=2,
                val_samples=3, log_every=1, checkpoint_every=2, device="cpu", threads=2, seed=5,
                network=dict(TINY))
    base.update(kw)
    return tr.TrainSettings(**base)


def test_a_few_steps_give_a_checkpoint_that_loads_and_runs(series, tmp_path):
    s2, masks, s1 = series
    out = tmp_path / "belgium.pt"
    reporter = SilentReporter()
    result = tr.train_seq2point(out, s2, masks, s1, settings=settings(), reporter=reporter)
    assert result["steps_done"] == 4 and not result["cancelled"]
    assert np.isfinite(result["final_loss"]) and result["validation"]["samples"] == 3
    _model, config, payload = load_model(out)
    assert config["bands"] == list(TEN_BANDS) and config["use_s1"] and config["n_inputs"] == 3
    training = payload["training"]
    assert training["steps_done"] == 4 and len(training["loss_log"]) == 4
    assert "24 S2 dates 2017-08-04 .. 2017-12-17" in training["data"]
    assert training["settings"]["learning_rate"] == 2e-4 and training["settings"]["betas"] == [0.5, 0.999]
    assert [v["step"] for v in training["validation"]] == [0, 2, 4]  # 0: the untrained network
    log = "\n".join(reporter.messages)
    assert "Device: cpu" in log and "rows 48-63 held out" in log and "step 4/4: loss" in log
    # the checkpoint runs on three dates of the series
    prediction = tmp_path / "prediction.tif"
    seq2point(s2[1:4], str(prediction), str(out), s1_paths=s1, device="cpu")
    with rasterio.open(prediction) as ds:
        assert ds.count == 10 and ds.shape == (64, 64) and ds.read().min() > 0


def test_patch_size_larger_than_the_region_is_fitted_to_it(series, tmp_path):
    """The default PATCH_SIZE (128) on the real 64 x 64 px series with 16 rows held out: patches of
    the largest size that fits (48 px), said in the log and recorded in the checkpoint."""
    s2, masks, s1 = series
    out = tmp_path / "fitted.pt"
    reporter = SilentReporter()
    result = tr.train_seq2point(out, s2, masks, settings=settings(patch_size=128, steps=2), reporter=reporter)
    assert result["steps_done"] == 2
    assert any("PATCH_SIZE 128 does not fit the region (64 x 64 px, 16 rows" in m and "patches of 48 px" in m
               for m in reporter.messages)
    assert read_checkpoint(out)["training"]["settings"]["patch_size"] == 48


def test_paper_defaults():
    defaults = tr.TrainSettings()
    assert defaults.l1_weight == 100.0 and defaults.learning_rate == 2e-4
    assert tuple(defaults.betas) == (0.5, 0.999) and defaults.batch_size == 1 and defaults.n_inputs == 3
    assert defaults.architecture == "crtsnet"


def test_a_tiny_model_overfits_a_small_real_patch(series):
    s2, masks, s1 = series
    data = tr.SeriesData(s2, masks, s1, settings(patch_size=16, paste_probability=0.0))
    x, y, mask = data.sample(np.random.default_rng(0))
    data.close()
    assert mask.mean() > 0.9  # a clear target
    torch.manual_seed(0)
    model = build_model(model_config("crtsnet-lite", TEN_BANDS, 3, True, features=16, blocks_2d=1, blocks_3d=1))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.5, 0.999))
    xt, yt, mt = (torch.from_numpy(a[None]) for a in (x, y, mask))
    losses = []
    for _ in range(300):
        optimizer.zero_grad()
        loss = 100 * tr._masked_l1(torch, model(xt), yt, mt)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        if len(losses) >= 5 and np.mean(losses[-5:]) < losses[0] / 10:
            break
    # five consecutive steps average a tenth of the first loss or less
    assert np.mean(losses[-5:]) < losses[0] / 10, (losses[0], losses[-5:], len(losses))


def weights(path):
    return read_checkpoint(path)["state_dict"]


def test_same_seed_same_weights_and_resume_continues_exactly(series, tmp_path):
    s2, masks, s1 = series
    a, b, c = tmp_path / "a.pt", tmp_path / "b.pt", tmp_path / "c.pt"
    tr.train_seq2point(a, s2, masks, s1, settings=settings(steps=3, val_fraction=0.0))
    tr.train_seq2point(b, s2, masks, s1, settings=settings(steps=3, val_fraction=0.0))
    wa, wb = weights(a), weights(b)
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    other = tmp_path / "other.pt"
    tr.train_seq2point(other, s2, masks, s1, settings=settings(steps=3, val_fraction=0.0, seed=6))
    assert not all(torch.equal(wa[k], weights(other)[k]) for k in wa)
    # two steps, then resumed to three: the same weights as three steps in one go
    tr.train_seq2point(c, s2, masks, s1, settings=settings(steps=2, val_fraction=0.0))
    reporter = SilentReporter()
    result = tr.train_seq2point(c, s2, masks, s1, settings=settings(steps=3, val_fraction=0.0, resume=True),
                                reporter=reporter)
    assert "Resuming" in reporter.messages[0] or any("Resuming" in m for m in reporter.messages)
    assert result["steps_done"] == 3
    wc = weights(c)
    assert all(torch.equal(wa[k], wc[k]) for k in wa)
    assert len(read_checkpoint(c)["training"]["runs"]) == 2


def test_cancel_saves_a_usable_checkpoint(series, tmp_path):
    s2, masks, s1 = series
    out = tmp_path / "cancelled.pt"
    # cancel checks: one per step (and per progress report); stop during the third step
    result = tr.train_seq2point(out, s2, masks, s1, settings=settings(steps=50, val_fraction=0.0),
                                reporter=SilentReporter(cancel_after_checks=2))
    assert result["cancelled"] and 1 <= result["steps_done"] < 50
    model, config, payload = load_model(out)
    assert payload["training"]["steps_done"] == result["steps_done"]
    with torch.no_grad():
        y = model(torch.rand(1, 3, 12, 16, 16))
    assert torch.isfinite(y).all()


def test_validation_rows_are_never_used_for_training(series):
    s2, masks, s1 = series
    data = tr.SeriesData(s2, masks, s1, settings(val_fraction=0.25, patch_size=16, paste_probability=1.0))
    seen, pasted = [], []
    original = data._sample_at

    def spy(window, inputs, target, paste):
        seen.append(window)
        pasted.append(paste)
        return original(window, inputs, target, paste)

    data._sample_at = spy
    rng = np.random.default_rng(1)
    for _ in range(30):
        x, y, mask = data.sample(rng)
        assert x.shape == (3, 12, 16, 16) and y.shape == (10, 16, 16)
    assert data.train_rows == 48
    assert all(w.row_off + w.height <= 48 for w in seen)
    assert any(pasted)  # mostly clear inputs got real clouds of another date
    seen.clear()
    validation = data.validation_set(5)
    assert validation and all(w.row_off >= 48 for w in seen)
    data.close()


def test_bad_training_inputs(series, tmp_path):
    s2, masks, s1 = series
    out = tmp_path / "x.pt"
    with pytest.raises(InputError, match="No training data"):
        tr.train_seq2point(out, settings=settings())
    with pytest.raises(InputError, match="mask"):
        tr.train_seq2point(out, s2, None, settings=settings())
    with pytest.raises(InputError, match="too small for training patches: at least 16"):
        tr.train_seq2point(out, s2, masks, settings=settings(val_fraction=0.85))
    with pytest.raises(InputError, match="at least 4 dates"):
        tr.train_seq2point(out, s2[:3], masks[:3], settings=settings())
    with pytest.raises(InputError, match="either"):
        tr.train_seq2point(out, s2, masks, dataset_folder=str(tmp_path), settings=settings())
    assert not out.exists()


def test_command_line(series, tmp_path):
    from conftest import REPO

    proc = subprocess.run([sys.executable, "-m", "s2cloudfree.core.train", "--help"], capture_output=True,
                          text=True, timeout=60, env={"PYTHONPATH": str(REPO / ".dev" / "plugins")})
    assert proc.returncode == 0 and "--dataset-folder" in proc.stdout, proc.stderr
    s2, masks, s1 = series
    out = tmp_path / "cli.pt"
    code = tr.main(["--s2", *s2[:8], "--masks", *masks[:8], "--no-s1", "--architecture", "crtsnet-lite",
                    "--steps", "1", "--patch-size", "16", "--val-fraction", "0", "--device", "cpu",
                    "--output", str(out)])
    assert code == 0
    _model, config, _ = load_model(out)
    assert config["architecture"] == "crtsnet-lite" and not config["use_s1"] and config["features"] == 64
    assert tr.main(["--output", str(tmp_path / "y.pt")]) == 2  # no data: a message, not a traceback
