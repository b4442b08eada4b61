"""The algorithms chained in Processing models (.model3), as the graphical modeler saves them."""

import numpy as np
import rasterio
from model_builder import add_step, new_model, saved_and_reloaded


def _build_model():
    model = new_model("sample to composites")
    add_step(model, "s2cloudfree:sample", "sample", values={"DATES": 12, "SIZE": 64, "SEED": 7})
    for child_id, algorithm, extra in (("mosaic", "s2cloudfree:mosaic", {"FALLBACK": 2}),
                                       ("leastcloudy", "s2cloudfree:leastcloudy", {})):
        add_step(model, algorithm, child_id, values=extra,
                 links={"S2_LAYERS": ("sample", "S2_LAYERS"), "MASK_LAYERS": ("sample", "MASK_LAYERS")},
                 outputs={f"{child_id}_result": "OUTPUT"})
    return model


def test_saved_model_chaining_sample_mosaic_and_leastcloudy_runs(s2cf_provider, tmp_path):
    import processing

    model = saved_and_reloaded(_build_model(), tmp_path / "chain.model3")
    names = {p.name() for p in model.parameterDefinitions()}
    assert {"mosaic:mosaic_result", "leastcloudy:leastcloudy_result"} <= names

    mosaic_out, lc_out = tmp_path / "mosaic.tif", tmp_path / "lc.tif"
    result = processing.run(model, {"mosaic:mosaic_result": str(mosaic_out),
                                    "leastcloudy:leastcloudy_result": str(lc_out)})
    assert result["mosaic:mosaic_result"] == str(mosaic_out)
    with rasterio.open(mosaic_out) as m, rasterio.open(lc_out) as lc:
        assert m.count == lc.count == 13
        assert m.shape == lc.shape == (64, 64)
        mosaic, least = m.read(), lc.read()
    # The mosaic with the least-cloudy fallback has no holes, and is not just a copy of the
    # least cloudy date (clouds of that date are replaced by clear observations).
    assert (mosaic.any(axis=0)).all()
    assert not np.array_equal(mosaic, least)


def _changed_cloudy_pixels(s2, outputs, mask_folder, no_nodata=False):
    """Assert that every output keeps the clear pixels of its chained s2cloudless mask
    (``<s2 name>_cloudmask.tif`` in ``mask_folder``) and, with ``no_nodata``, that no cloudy pixel is
    left as nodata (all bands 0); return how many cloudy pixels changed, over all dates."""
    changed = 0
    for src, got in zip(s2, outputs):
        mask = mask_folder / src.name.replace(".tif", "_cloudmask.tif")
        with rasterio.open(src) as s, rasterio.open(got) as g, rasterio.open(mask) as m:
            clear = m.read(1) == 0
            before, after = s.read(), g.read()
            assert np.array_equal(after[:, clear], before[:, clear])
            if no_nodata:
                assert after[:, ~clear].any(axis=0).all()
            changed += int((after[:, ~clear] != before[:, ~clear]).any(axis=0).sum())
    return changed


def _chain_after_cloudmask_series(title, seed, child_id, algorithm, values, output, links=None):
    """sample (6 dates of 48 px) -> cloudmask_series -> ``algorithm`` as step ``child_id``, fed the
    sample's S2_LAYERS and the cloudmask_series MASK_LAYERS (plus ``links``); the step's
    OUTPUT_FOLDER is the model output ``output``."""
    model = new_model(title)
    add_step(model, "s2cloudfree:sample", "sample", values={"DATES": 6, "SIZE": 48, "SEED": seed},
             outputs={"sample": "OUTPUT_FOLDER"})
    add_step(model, "s2cloudfree:cloudmask_series", "cloudmask", values={"DEVICE": "cpu"},
             links={"S2_LAYERS": ("sample", "S2_LAYERS")}, outputs={"masks": "OUTPUT_FOLDER"})
    add_step(model, algorithm, child_id, values=values,
             links=dict({"S2_LAYERS": ("sample", "S2_LAYERS"), "MASK_LAYERS": ("cloudmask", "MASK_LAYERS")},
                        **(links or {})),
             outputs={output: "OUTPUT_FOLDER"})
    return model


def _seq2seq_chain():
    """sample -> cloudmask_series -> seq2seq (S1 from the sample, masks from s2cloudless)."""
    return _chain_after_cloudmask_series("sample, cloud masks and seq2seq", 11, "seq2seq", "s2cloudfree:seq2seq",
                                         {"DEVICE": "cpu", "STEPS": 3, "CPU_THREADS": 1}, "cloudfree",
                                         links={"S1_LAYERS": ("sample", "S1_LAYERS")})


def test_saved_model_chaining_sample_cloudmask_series_and_seq2seq_runs(s2cf_provider, tmp_path):
    import processing

    model = saved_and_reloaded(_seq2seq_chain(), tmp_path / "seq2seq.model3")
    result = processing.run(model, {"sample:sample": str(tmp_path / "sample"), "cloudmask:masks": str(tmp_path / "masks"),
                                    "seq2seq:cloudfree": str(tmp_path / "cloudfree")})
    assert result["seq2seq:cloudfree"] == str(tmp_path / "cloudfree")
    s2 = sorted((tmp_path / "sample").glob("s2_*.tif"))
    outputs = sorted((tmp_path / "cloudfree").glob("*.tif"))
    assert [p.name for p in outputs] == [p.name.replace(".tif", "_cloudfree.tif") for p in s2]
    # clear pixels by the s2cloudless masks of the chain are kept, cloudy ones are filled by the network
    assert _changed_cloudy_pixels(s2, outputs, tmp_path / "masks") > 0


def _gapfill_chain():
    """sample -> cloudmask_series -> gapfill (masks from s2cloudless, passed on as MASK_LAYERS)."""
    return _chain_after_cloudmask_series("sample, cloud masks and gap filling", 13, "gapfill", "s2cloudfree:gapfill",
                                         {"METHOD": 0, "SCREEN": True}, "gapfilled")


def test_saved_model_chaining_sample_cloudmask_series_and_gapfill_runs(s2cf_provider, tmp_path):
    import processing

    model = saved_and_reloaded(_gapfill_chain(), tmp_path / "gapfill.model3")
    assert "gapfill:gapfilled" in {p.name() for p in model.parameterDefinitions()}
    result = processing.run(model, {"sample:sample": str(tmp_path / "sample"),
                                    "cloudmask:masks": str(tmp_path / "masks"),
                                    "gapfill:gapfilled": str(tmp_path / "gapfilled")})
    assert result["gapfill:gapfilled"] == str(tmp_path / "gapfilled")
    s2 = sorted((tmp_path / "sample").glob("s2_*.tif"))
    outputs = sorted((tmp_path / "gapfilled").glob("*.tif"))
    assert len(s2) == 6
    assert [p.name for p in outputs] == [p.name.replace(".tif", "_gapfilled.tif") for p in s2]
    # clear pixels by the s2cloudless masks of the chain are kept, cloudy ones are filled (never nodata)
    assert _changed_cloudy_pixels(s2, outputs, tmp_path / "masks", no_nodata=True) > 0
    with rasterio.open(outputs[0]) as ds:
        assert ds.tags()["S2CF_ALGORITHM"] == "gapfill"
