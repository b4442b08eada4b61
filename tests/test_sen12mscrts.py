"""The SEN12MS-CR-TS reader on a small folder written in the official layout and naming.

Each S2 file is a 64 x 64 crop of the real L1C scene in ../shared/data/s2cloudless_scene (cloudy or
clear crops), so that the data set's s2cloudless coverage picks a known least-cloudy date.
"""

import datetime as dt
import json

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from s2cloudfree.core import sen12mscrts as crts
from s2cloudfree.core.bands import L1C_BANDS
from s2cloudfree.core.errors import InputError

# crops (row, col) of the real scene: cloud fraction of the s2cloudless reference mask
CLOUDY_0, CLOUDY_1, CLOUDY_2 = (0, 0), (128, 128), (384, 64)  # 100 %, 88 %, 58 %
CLEAR_0, CLEAR_1 = (448, 192), (256, 128)  # 0 %
# per patch: the crop at each of 4 time points
SERIES = {1: [CLOUDY_0, CLOUDY_1, CLEAR_0, CLOUDY_2], 2: [CLEAR_1, CLOUDY_0, CLOUDY_2, CLOUDY_1]}
DATES = [dt.date(2018, 1, 3), dt.date(2018, 1, 20), dt.date(2018, 2, 9), dt.date(2018, 3, 1)]
TIMES = len(DATES)


def write(path, data, dtype):
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1],
                       count=data.shape[0], dtype=dtype, crs="EPSG:32631",
                       transform=from_origin(500000, 5630000, 10, 10)) as ds:
        ds.write(data.astype(dtype))


def make_roi(root, scene, folder, number, patches=SERIES, drop=None):
    rng = np.random.default_rng(int(number))
    for t, when in enumerate(DATES):
        s1_when = when + dt.timedelta(days=2)
        for patch, crops in patches.items():
            if drop == (t, patch):
                continue
            r, c = crops[t]
            s2 = scene[:, r:r + 64, c:c + 64]
            s1 = np.stack([rng.normal(-11, 2, (64, 64)), rng.normal(-18, 2, (64, 64))])
            base = f"{folder}_{number}_ImgNo_{t}"
            write(root / folder / number / "S2" / str(t) / f"s2_{base}_{when}_patch_{patch}.tif", s2, "uint16")
            write(root / folder / number / "S1" / str(t) / f"s1_{base}_{s1_when}_patch_{patch}.tif", s1,
                  "float32")


@pytest.fixture(scope="module")
def scene(shared_data):
    with rasterio.open(shared_data / "s2cloudless_scene" / "s2_unknown-date.tif") as ds:
        return ds.read()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory, scene):
    root = tmp_path_factory.mktemp("SEN12MSCRTS")
    make_roi(root, scene, "ROIs1970", "21")  # train
    make_roi(root, scene, "ROIs1868", "56", patches={3: SERIES[1]}, drop=(2, 3))  # train, incomplete
    make_roi(root, scene, "ROIs2017", "22", patches={1: SERIES[2]})  # val
    make_roi(root, scene, "ROIs1868", "119", patches={5: SERIES[1]})  # test
    return root


def test_file_names_are_parsed():
    name = crts.parse_name("s2_ROIs1868_100_ImgNo_0_2018-01-03_patch_12.tif")
    assert name == crts.FileName("s2", "ROIs1868", "100", 0, dt.date(2018, 1, 3), 12)
    assert crts.parse_name("/x/s1_ROIs2017_8_ImgNo_29_2018-12-30_patch_1.tif").sensor == "s1"
    assert crts.parse_name("s2_2018-01-03.tif") is None


def test_official_splits():
    every = crts.split_rois("all")
    assert len(every) == 53 and len(set(every)) == 53
    assert len(crts.split_rois("test")) == 13 and len(crts.split_rois("val")) == 5
    train = crts.split_rois("train")
    assert len(train) == 35 and "ROIs1868/119" not in train and "ROIs1970/21" in train
    assert crts.split_rois("test", "europa") == ["ROIs2017/63", "ROIs2017/103", "ROIs2017/108",
                                                 "ROIs1868/142", "ROIs1970/20"]
    with pytest.raises(InputError, match="split"):
        crts.split_rois("holdout")


def test_index_finds_the_patches_of_each_split(dataset):
    from s2cloudfree.core.reporting import SilentReporter

    reporter = SilentReporter()
    train = crts.index_dataset(dataset, "train", reporter=reporter)
    assert [p.key for p in train] == ["ROIs1970/21/patch_1", "ROIs1970/21/patch_2"]
    assert "1 incomplete patches skipped" in reporter.messages[-1]
    patch = train[0]
    assert patch.time_points == list(range(TIMES)) and patch.s2_dates == DATES
    assert all(d - s == dt.timedelta(days=2) for d, s in zip(patch.s1_dates, patch.s2_dates))
    assert [p.key for p in crts.index_dataset(dataset, "val")] == ["ROIs2017/22/patch_1"]
    assert [p.key for p in crts.index_dataset(dataset, "test")] == ["ROIs1868/119/patch_5"]
    assert len(crts.index_dataset(dataset, "all")) == 4
    with pytest.raises(InputError, match="official layout"):
        crts.index_dataset(dataset, "train", region="europa")
    with pytest.raises(InputError, match="does not exist"):
        crts.index_dataset(dataset / "nothing")


def test_sample_is_least_cloudy_target_and_first_inputs(dataset):
    train = crts.index_dataset(dataset, "train")
    coverage = [crts.s2cloudless_coverage(crts.read_tif(p)) for p in train[0].s2_paths]
    assert coverage[2] < 0.05 and min(coverage[0], coverage[1], coverage[3]) > 0.3
    inputs, target = crts.select_sample(coverage, 3)
    assert inputs == [0, 1, 2] and target == 2  # the data set's rule: inputs may include the target
    assert crts.select_sample([0.5, 0.1, 0.1, 0.9], 2) == ([0, 1], 1)  # ties: the earliest
    s2, s1 = crts.read_patch(train[0], inputs + [target])
    assert s2.shape == (4, 13, 64, 64) and s1.shape == (4, 2, 64, 64)


def test_coverage_cache(tmp_path, dataset):
    calls = []

    def fake(image):
        calls.append(1)
        return float(image[1].mean()) / 10000

    patch = crts.index_dataset(dataset, "train")[0]
    cache = crts.CoverageCache(str(tmp_path / "cov.json"), fake)
    first = cache.patch_coverage(patch)
    assert cache.patch_coverage(patch) == first and len(calls) == TIMES
    cache.save()
    again = crts.CoverageCache(str(tmp_path / "cov.json"), fake)
    assert again.patch_coverage(patch) == first and len(calls) == TIMES
    assert len(json.loads((tmp_path / "cov.json").read_text())) == TIMES


def test_training_on_the_data_set_writes_a_usable_checkpoint(tmp_path, dataset):
    pytest.importorskip("torch")
    from s2cloudfree.core.train import TrainSettings, train_seq2point
    from s2cloudfree.models.checkpoint import load_model

    settings = TrainSettings(architecture="crtsnet-lite", n_inputs=3, steps=3, patch_size=32,
                             val_every=3, log_every=1, device="cpu", seed=3,
                             network={"features": 8, "blocks_2d": 1, "blocks_3d": 1})
    out = tmp_path / "crts.pt"
    result = train_seq2point(out, dataset_folder=str(dataset), settings=settings)
    assert result["steps_done"] == 3 and not result["cancelled"]
    assert result["validation"]["samples"] == 1  # the val split's one patch
    _model, config, payload = load_model(out)
    assert config["bands"] == list(L1C_BANDS)
    assert config["use_s1"] and config["n_inputs"] == 3
    assert "SEN12MS-CR-TS" in payload["training"]["data"]
    assert (tmp_path / "crts.coverage.json").exists()  # s2cloudless runs once per file
