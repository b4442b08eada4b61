"""The benchmark report: protocols on a tiny generated series, the report folder, the page rendered in
headless Chromium (every image must load), cancel, memory budget and the Processing algorithm."""

import importlib.util
import json
import math
import os
import re
import shutil
import struct

import numpy as np
import pytest

from s2cloudfree.core import benchmark_protocols as bp
from s2cloudfree.core import report as rep
from s2cloudfree.core.errors import CancelledError, InputError
from s2cloudfree.core.reporting import SilentReporter
from s2cloudfree.core.sample import generate_sample_series

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKER = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var bad = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
  document.title = (bad.length ? 'IMAGES-BROKEN ' + bad.map(function (i) { return i.getAttribute('src'); }).join(',')
                                : 'IMAGES-OK') + ' ' + (imgs.length - bad.length) + '/' + imgs.length;
});
</script>"""


def _script():
    path = os.path.join(REPO, "scripts", "benchmark_report.py")
    spec = importlib.util.spec_from_file_location("benchmark_report", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return generate_sample_series(tmp_path_factory.mktemp("sample"), n_dates=8, size=48, seed=3)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    torch = pytest.importorskip("torch")
    from s2cloudfree.models.checkpoint import save_checkpoint
    from s2cloudfree.models.crtsnet import build_model, model_config

    config = model_config("crtsnet-lite", n_inputs=3, use_s1=True, features=8, blocks_2d=1, blocks_3d=1)
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp("model") / "tiny.pt")
    save_checkpoint(path, build_model(config), config, training={"data": "none (random weights)"})
    return path


@pytest.fixture(scope="module")
def benchmark(sample, model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    options = bp.BenchmarkOptions(passes=1, steps=2, device="cpu", model=model, seed=0)
    reporter = SilentReporter()
    result = bp.run_benchmark(sample.s2, sample.masks, folder, s1_paths=sample.s1, truth_paths=sample.truth,
                              options=options, reporter=reporter)
    return result, reporter


def test_report_folder_and_json(benchmark):
    result, reporter = benchmark
    folder = result["folder"]
    assert sorted(os.listdir(folder)) == ["img", "index.html", "report.json"]  # no staging left
    data = json.loads(open(result["json"], encoding="utf-8").read())  # strict JSON
    by_id = {p["id"]: p for p in data["protocols"]}
    assert set(by_id) == {"seq2seq", "seq2point"}
    assert [r["method"] for r in by_id["seq2seq"]["rows"]] == list(bp.METHODS[:5])
    assert [r["method"] for r in by_id["seq2point"]["rows"]] == list(bp.METHODS)
    assert [s["method"] for s in by_id["seq2seq"]["skipped"]] == ["seq2point"]
    for protocol in data["protocols"]:
        for row in protocol["rows"]:
            for key in ("rmse", "psnr", "ssim", "sam", "rmse_clear", "seconds", "mean_abs_error"):
                assert isinstance(row[key], (int, float)), (protocol["id"], row["method"], key)
            # no pixel to score: NaN in Python, null in JSON
            assert (row["rmse_cloudy"] is None) == (row["cloudy_pixels"] == 0)
            assert 0 <= row["rmse"] < 1 and -1 <= row["ssim"] <= 1 and 0 <= row["sam"] <= 180
    assert data["run"]["device"].startswith("cpu") and data["series"]["truth_layers"] == 8
    assert any("Device: cpu" in m for m in reporter.messages)
    assert reporter.progress[-1] == 100.0 and reporter.progress == sorted(reporter.progress)


def test_seq2point_protocol_selection_and_baseline(benchmark, sample):
    result, _ = benchmark
    data = result["report"]
    protocol = {p["id"]: p for p in data["protocols"]}["seq2point"]
    target = protocol["target"]["index"]
    assert target == sample.clearest_index  # least cloudy by the true masks
    expected_inputs = [k for k in range(len(sample)) if k != target][:3]
    assert [i["index"] for i in protocol["inputs"]] == expected_inputs
    # the least-cloudy row is the metrics of the clearest input against the true target
    import rasterio

    from s2cloudfree.core.metrics import to_unit

    clear = [int((rasterio.open(sample.masks[k]).read(1) == 0).sum()) for k in expected_inputs]
    best = expected_inputs[int(np.argmax(clear))]
    prediction = to_unit(rasterio.open(sample.s2[best]).read())
    truth = to_unit(rasterio.open(sample.truth[target]).read())
    row = {r["method"]: r for r in protocol["rows"]}["least_cloudy"]
    expected = bp.masked_image_metrics(prediction, truth)
    assert row["rmse"] == pytest.approx(expected["rmse"], rel=1e-5)
    assert row["ssim"] == pytest.approx(expected["ssim"], rel=1e-5)


def test_html_marks_the_best_and_links_only_local_images(benchmark):
    result, _ = benchmark
    page = open(result["html"], encoding="utf-8").read()
    sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(sources) > 20
    for src in sources:
        assert not re.match(r"^[a-z]+:", src), src                # relative links only
        assert os.path.isfile(os.path.join(result["folder"], src)), src
    assert not re.search(r'(src|href)="(https?:)?//', page)       # nothing fetched from anywhere
    assert "<script" not in page and "<link" not in page
    rows = {p["id"]: p["rows"] for p in result["report"]["protocols"]}["seq2seq"]
    best_rmse = min(range(len(rows)), key=lambda k: rows[k]["rmse"])
    table = page[page.index("Sequence-to-sequence protocol"):]
    table = table[table.index("<tbody>"):table.index("</tbody>")]
    cells = re.findall(r"<tr>(.*?)</tr>", table)
    assert 'class="best">' + rep.format_metric("rmse", rows[best_rmse]["rmse"]) in cells[best_rmse]
    for name, meaning in rep.METRIC_HELP:
        assert meaning.split(" ")[0] in page


def _png_size(path):
    with open(path, "rb") as handle:
        head = handle.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_chromium_loads_every_image(benchmark, tmp_path):
    script = _script()
    if script.find_chromium() is None:
        pytest.skip("Chromium is not installed (make setup installs the Debian package chromium)")
    result, _ = benchmark
    copy = tmp_path / "report"
    shutil.copytree(result["folder"], copy)
    page = (copy / "index.html").read_text(encoding="utf-8")
    check = copy / "check.html"
    check.write_text(page.replace("</body>", CHECKER + "</body>"), encoding="utf-8")
    n_images = len(re.findall(r"<img ", page))

    dom = script.dump_dom(check)
    title = re.search(r"<title>(.*?)</title>", dom).group(1)
    assert title == f"IMAGES-OK {n_images}/{n_images}", title

    missing = sorted(os.listdir(copy / "img"))[3]
    os.remove(copy / "img" / missing)
    title = re.search(r"<title>(.*?)</title>", script.dump_dom(check)).group(1)
    assert title.startswith("IMAGES-BROKEN") and f"img/{missing}" in title, title

    shot = script.screenshot(copy / "index.html", tmp_path / "shot.png", width=1280, height=900)
    assert _png_size(shot) == (1280, 900)


def test_cancel_leaves_nothing(sample, tmp_path):
    folder = tmp_path / "cancelled"
    options = bp.BenchmarkOptions(methods=("least_cloudy", "mosaic", "temporal_linear"), device="cpu")
    with pytest.raises(CancelledError):
        bp.run_benchmark(sample.s2, sample.masks, folder, truth_paths=sample.truth, options=options,
                         reporter=SilentReporter(cancel_after_checks=2))
    assert os.listdir(folder) == []


def test_memory_budget_and_bad_options(sample, tmp_path):
    with pytest.raises(InputError, match="MEMORY_MB"):
        bp.run_benchmark(sample.s2, sample.masks, tmp_path / "r", options=bp.BenchmarkOptions(memory_mb=1))
    with pytest.raises(InputError, match="method"):
        bp.run_benchmark(sample.s2, sample.masks, tmp_path / "r", options=bp.BenchmarkOptions(methods=("magic",)))
    with pytest.raises(InputError, match="truth"):
        bp.run_benchmark(sample.s2, sample.masks, tmp_path / "r", truth_paths=sample.truth[:2])
    with pytest.raises(InputError, match="MAX_DATES"):
        bp.run_benchmark(sample.s2, sample.masks, tmp_path / "r", options=bp.BenchmarkOptions(max_dates=2))


def test_png_writer_and_json_conventions(tmp_path):
    image = np.zeros((3, 5, 4), dtype=np.uint8)
    image[..., 3] = 255
    image[1, 2] = (10, 20, 30, 255)
    path = rep.write_png(str(tmp_path / "a.png"), image)
    assert _png_size(path) == (5, 3)
    import warnings

    import rasterio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a PNG has no georeference
        with rasterio.open(path) as ds:  # read back by an independent decoder (GDAL)
            assert np.array_equal(np.moveaxis(ds.read(), 0, -1), image)
    assert rep.json_ready({"a": float("nan"), "b": float("inf"), "c": np.float32(0.5), "d": np.int64(3)}) == \
        {"a": None, "b": "inf", "c": 0.5, "d": 3}
    assert rep.best_rows([{"x": 1.0}, {"x": float("nan")}, {"x": 0.5}], "x", False) == {2}
    assert rep.best_rows([{"x": float("inf")}, {"x": 30.0}], "x", True) == {0}
    assert rep.error_scale([0.04, 0.01, 0.012, float("nan")]) == pytest.approx(0.05)  # 2.5 x 0.012 -> 0.05
    assert [rep.nice_ceil(v) for v in (0.099, 0.1, 0.11, 0.24, 3.0)] == [0.1, 0.1, 0.2, 0.25, 5.0]
    assert math.isclose(rep.PAPER_FIGURES[0]["sam"], math.degrees(0.213))


@pytest.fixture(scope="module")
def benchmark_registered(s2cf_provider):
    from s2cloudfree.processing_provider.benchmark_algorithm import BenchmarkAlgorithm

    if s2cf_provider.algorithm("benchmark") is None:
        s2cf_provider.addAlgorithm(BenchmarkAlgorithm())
    return s2cf_provider


def test_processing_algorithm(benchmark_registered, sample, tmp_path):
    import processing

    folder = tmp_path / "qgis_report"
    # no MASK_LAYERS: s2cloudless masks are computed first
    result = processing.run("s2cloudfree:benchmark", {
        "S2_LAYERS": sample.s2, "TRUTH_LAYERS": sample.truth,
        "METHODS": [0, 1, 2], "N_INPUTS": 2, "INPUT_SELECTION": 1, "OUTPUT_FOLDER": str(folder)})
    assert result["OUTPUT_HTML"] == str(folder / "index.html") and os.path.isfile(result["OUTPUT_HTML"])
    data = json.loads(open(result["OUTPUT_JSON"], encoding="utf-8").read())
    protocol = {p["id"]: p for p in data["protocols"]}["seq2point"]
    assert len(protocol["inputs"]) == 2 and protocol["input_selection"] == "nearest"
    assert [r["method"] for r in protocol["rows"]] == ["least_cloudy", "mosaic", "temporal_linear"]
    assert result["DEVICE_USED"] == ""  # no network ran
    assert data["series"]["masks"].startswith("computed with s2cloudless")


def test_seq2point_protocol_runs_the_gapfill_variant_on_its_prior(sample, tmp_path):
    """An untrained crtsnet-lite-gapfill model returns the gap filler's estimate of the target date
    made from the n inputs: in the benchmark's seq2point protocol its row is that estimate's."""
    torch = pytest.importorskip("torch")
    from s2cloudfree.core import evaluation_protocol as ep
    from s2cloudfree.core.metrics import to_unit
    from s2cloudfree.core.seq2point import gapfill_prior
    from s2cloudfree.models.checkpoint import save_checkpoint
    from s2cloudfree.models.crtsnet import build_model, model_config

    config = model_config("crtsnet-lite-gapfill", n_inputs=3, use_s1=True, features=8, blocks_2d=1, blocks_3d=1)
    torch.manual_seed(0)
    path = str(tmp_path / "prior.pt")
    save_checkpoint(path, build_model(config), config)
    options = bp.BenchmarkOptions(protocols=("seq2point",), methods=("least_cloudy", "seq2point"), device="cpu",
                                  model=path, tile_size=64)
    result = bp.run_benchmark(sample.s2, sample.masks, tmp_path / "report", s1_paths=sample.s1,
                              truth_paths=sample.truth, options=options, reporter=SilentReporter())
    protocol = result["report"]["protocols"][0]
    row = {r["method"]: r for r in protocol["rows"]}["seq2point"]
    target = protocol["target"]["index"]
    inputs = [i["index"] for i in protocol["inputs"]]
    arrays = ep.load_series(sample.s2, sample.masks)
    prior = gapfill_prior(arrays.data[inputs] * 10000.0, arrays.clear[inputs], [arrays.dates[k] for k in inputs],
                          arrays.dates[target], arrays.valid[inputs])
    truth = to_unit(__import__("rasterio").open(sample.truth[target]).read())
    expected = bp.masked_image_metrics(np.clip(prior / 10000.0, 0, 1), truth)
    assert row["rmse"] == pytest.approx(expected["rmse"], rel=1e-3)
