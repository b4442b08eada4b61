"""Least cloudy and mosaic run through QGIS Processing (pytest-qgis), on real data."""

import numpy as np
import pytest
import rasterio


def _run(algorithm, params):
    import processing

    return processing.run(algorithm, params)


def test_provider_lists_the_algorithms(s2cf_provider):
    ids = {a.id() for a in s2cf_provider.algorithms()}
    assert {"s2cloudfree:leastcloudy", "s2cloudfree:mosaic", "s2cloudfree:sample"} <= ids


def test_leastcloudy_on_belgium_forwards_the_clearest_date(s2cf_provider, belgium, tmp_path):
    s2, masks = belgium
    out = tmp_path / "lc.tif"
    result = _run("s2cloudfree:leastcloudy", {"S2_LAYERS": s2, "MASK_LAYERS": masks, "OUTPUT": str(out)})
    # the clearest of the twelve dates by its Sen2Cor mask
    coverage = []
    for m in masks:
        with rasterio.open(m) as ds:
            coverage.append(np.mean(ds.read(1) != 0))
    expected = int(np.argmin(coverage))
    assert result["SELECTED_INDEX"] == expected
    with rasterio.open(out) as got, rasterio.open(s2[expected]) as src:
        assert np.array_equal(got.read(), src.read())
        assert got.crs == src.crs and got.transform == src.transform
        assert got.descriptions == src.descriptions


def test_mosaic_on_belgium_is_the_mean_of_clear_observations(s2cf_provider, belgium, tmp_path):
    s2, masks = belgium
    out, count = tmp_path / "mosaic.tif", tmp_path / "count.tif"
    _run("s2cloudfree:mosaic", {"S2_LAYERS": s2, "MASK_LAYERS": masks, "FALLBACK": 0,
                                "OUTPUT": str(out), "OUTPUT_COUNT": str(count)})
    stack = np.stack([rasterio.open(p).read() for p in s2]).astype(np.float64)
    clear = np.stack([rasterio.open(p).read(1) == 0 for p in masks])
    clear &= stack.any(axis=1)
    n = clear.sum(axis=0)
    mean = (stack * clear[:, None]).sum(axis=0) / np.maximum(n, 1)
    with rasterio.open(out) as ds:
        got = ds.read()
        assert ds.nodata == 0
    seen = n > 0
    assert np.array_equal(got[:, seen], np.rint(mean[:, seen]).astype(np.uint16))
    assert (got[:, ~seen] == 0).all()
    with rasterio.open(count) as ds:
        assert np.array_equal(ds.read(1), n)


def test_toolbox_groups_tags_descriptions_and_help(s2cf_provider):
    """Every algorithm sits in one of five groups with stable ids, has tags and a one-sentence
    description, and a Help URL that points at its own section of the README (the README shipped
    with the plugin while metadata.txt names no home page)."""
    import re
    from pathlib import Path
    from urllib.parse import unquote, urlsplit

    groups = {}
    readme = Path(__file__).resolve().parents[1] / "README.md"
    headings = [line for line in readme.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    for alg in s2cf_provider.algorithms():
        groups.setdefault(alg.groupId(), set()).add(alg.name())
        assert alg.group() and alg.name() in alg.tags() and "sentinel-2" in alg.tags()
        assert alg.shortDescription().endswith(".") and len(alg.shortDescription()) < len(alg.shortHelpString())
        url = urlsplit(alg.helpUrl())
        assert url.scheme == "file" and Path(unquote(url.path)).resolve() == readme, alg.helpUrl()
        heading = next(h for h in headings if f"`s2cloudfree:{alg.name()}`" in h)
        expected = re.sub(r"[^\w\- ]", "", heading.lstrip("#").strip().lower()).replace(" ", "-")
        assert url.fragment == expected
    assert groups == {"cloudmasks": {"cloudmask", "cloudmask_series"},
                      "composites": {"leastcloudy", "mosaic", "gapfill"},
                      "cloudremoval": {"seq2seq", "seq2point", "train_seq2point"},
                      "evaluation": {"evaluate", "benchmark"}, "utilities": {"sample"}}
    assert s2cf_provider.algorithm("cloudmask").group() == "Cloud masks"
    # an icon per group, a valid SVG that Qt renders
    from qgis.PyQt.QtSvg import QSvgRenderer

    icons = {}
    for alg in s2cf_provider.algorithms():
        path = alg.svgIconPath()
        assert Path(path).name == f"group_{alg.groupId()}.svg" and QSvgRenderer(path).isValid(), path
        assert not alg.icon().isNull()
        icons.setdefault(alg.groupId(), set()).add(path)
    assert len({p for paths in icons.values() for p in paths}) == 5
    assert s2cf_provider.algorithm("cloudmask").helpUrl().endswith("#cloud-mask--s2cloudfreecloudmask")
    version = re.search(r"^version=(.+)$", (readme.parent / "metadata.txt").read_text(), re.M).group(1)
    assert s2cf_provider.versionInfo() == version


def test_parameter_checks_before_the_run(s2cf_provider, belgium, tmp_path):
    """Inconsistent inputs are flagged by checkParameterValues (the dialog and the modeler show it)
    before anything runs."""
    from qgis.core import QgsProcessingContext

    s2, masks = belgium
    context = QgsProcessingContext()
    mosaic = s2cf_provider.algorithm("mosaic")
    ok, message = mosaic.checkParameterValues({"S2_LAYERS": s2, "MASK_LAYERS": masks[:5],
                                               "OUTPUT": str(tmp_path / "m.tif")}, context)
    assert not ok and "MASK_LAYERS: 5 mask layers were given for 12 S2 layers" in message
    ok, _ = mosaic.checkParameterValues({"S2_LAYERS": s2, "MASK_LAYERS": masks, "OUTPUT": str(tmp_path / "m.tif")},
                                        context)
    assert ok
    series = s2cf_provider.algorithm("cloudmask_series")
    ok, message = series.checkParameterValues({"S2_LAYERS": s2, "METHOD": 1, "SCL_LAYERS": masks[:2],
                                               "OUTPUT_FOLDER": str(tmp_path / "f")}, context)
    assert not ok and "SCL_LAYERS: 2 scene classification layers were given for 12 S2 layers" in message
    train = s2cf_provider.algorithm("train_seq2point")
    ok, message = train.checkParameterValues({"S2_LAYERS": s2, "MASK_LAYERS": masks, "DATASET_FOLDER": str(tmp_path),
                                              "OUTPUT_MODEL": str(tmp_path / "x.pt")}, context)
    assert not ok and "either S2_LAYERS" in message
    ok, message = train.checkParameterValues({"S2_LAYERS": s2, "OUTPUT_MODEL": str(tmp_path / "x.pt")}, context)
    assert not ok and "needs MASK_LAYERS" in message


def test_run_logs_reach_the_log_messages_panel_in_the_desktop_application():
    """In QGIS desktop the run log also goes to the "S2 CloudFree" tab of Log Messages (here forced:
    the tests run as an external application, where it stays off)."""
    from qgis.core import Qgis, QgsApplication, QgsProcessingFeedback

    from s2cloudfree.processing_provider.algorithm_base import LOG_TAB, FeedbackReporter

    received = []

    def keep(message, tag, level):
        received.append((message, tag, level))

    log = QgsApplication.messageLog()
    log.messageReceived.connect(keep)
    try:
        FeedbackReporter(QgsProcessingFeedback(), log_panel=True).warning("the mask covers 3 of 4 layers")
        FeedbackReporter(QgsProcessingFeedback()).info("not in the panel outside the desktop application")
    finally:
        log.messageReceived.disconnect(keep)
    assert [r for r in received if r[1] == LOG_TAB] == [("the mask covers 3 of 4 layers", LOG_TAB, Qgis.Warning)]
    assert QgsApplication.platform() != "desktop"


def test_every_mask_method_parameter_offers_the_mask_methods(s2cf_provider):
    """An algorithm's own METHOD must not stand in for the cloud-mask method (gapfill's did)."""
    from qgis.core import QgsApplication

    from s2cloudfree.processing_provider.algorithm_base import MASK_METHODS

    labels = [label for _, label in MASK_METHODS]
    checked = 0
    for algorithm in QgsApplication.processingRegistry().providerById("s2cloudfree").algorithms():
        if not hasattr(algorithm, "MASK_METHOD_PARAMETER"):
            continue
        definition = algorithm.parameterDefinition(algorithm.MASK_METHOD_PARAMETER)
        if definition is None:   # computes no masks (or takes no method): s2cloudless
            continue
        assert definition.options() == labels, algorithm.id()
        checked += 1
    assert checked >= 7
