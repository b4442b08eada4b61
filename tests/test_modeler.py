"""The algorithms chained in Processing models (.model3), as the graphical modeler saves them."""

import numpy as np
import rasterio


def _build_model():
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
    )

    static = QgsProcessingModelChildParameterSource.fromStaticValue
    from_child = QgsProcessingModelChildParameterSource.fromChildOutput
    model = QgsProcessingModelAlgorithm("sample to composites", "S2 CloudFree tests")

    sample = QgsProcessingModelChildAlgorithm("s2cloudfree:sample")
    sample.setChildId("sample")
    for name, value in (("DATES", 12), ("SIZE", 64), ("SEED", 7)):
        sample.addParameterSources(name, [static(value)])
    model.addChildAlgorithm(sample)

    for child_id, algorithm, extra in (("mosaic", "s2cloudfree:mosaic", {"FALLBACK": 2}),
                                       ("leastcloudy", "s2cloudfree:leastcloudy", {})):
        child = QgsProcessingModelChildAlgorithm(algorithm)
        child.setChildId(child_id)
        child.addParameterSources("S2_LAYERS", [from_child("sample", "S2_LAYERS")])
        child.addParameterSources("MASK_LAYERS", [from_child("sample", "MASK_LAYERS")])
        for name, value in extra.items():
            child.addParameterSources(name, [static(value)])
        output = QgsProcessingModelOutput(f"{child_id}_result")
        output.setChildId(child_id)
        output.setChildOutputName("OUTPUT")
        child.setModelOutputs({f"{child_id}_result": output})
        model.addChildAlgorithm(child)
    model.updateDestinationParameters()
    return model


def test_saved_model_chaining_sample_mosaic_and_leastcloudy_runs(s2cf_provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingModelAlgorithm

    path = tmp_path / "chain.model3"
    assert _build_model().toFile(str(path))
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path))
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


def _seq2seq_chain():
    """sample -> cloudmask_series -> seq2seq (S1 from the sample, masks from s2cloudless)."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
    )

    static = QgsProcessingModelChildParameterSource.fromStaticValue
    from_child = QgsProcessingModelChildParameterSource.fromChildOutput

    def output(child, child_output, name):
        out = QgsProcessingModelOutput(name)
        out.setChildId(child.childId())
        out.setChildOutputName(child_output)
        return out

    model = QgsProcessingModelAlgorithm("sample, cloud masks and seq2seq", "S2 CloudFree tests")
    sample = QgsProcessingModelChildAlgorithm("s2cloudfree:sample")
    sample.setChildId("sample")
    for name, value in (("DATES", 6), ("SIZE", 48), ("SEED", 11)):
        sample.addParameterSources(name, [static(value)])
    sample.setModelOutputs({"sample": output(sample, "OUTPUT_FOLDER", "sample")})
    model.addChildAlgorithm(sample)

    masks = QgsProcessingModelChildAlgorithm("s2cloudfree:cloudmask_series")
    masks.setChildId("cloudmask")
    masks.addParameterSources("S2_LAYERS", [from_child("sample", "S2_LAYERS")])
    masks.addParameterSources("DEVICE", [static("cpu")])
    masks.setModelOutputs({"masks": output(masks, "OUTPUT_FOLDER", "masks")})
    model.addChildAlgorithm(masks)

    seq2seq = QgsProcessingModelChildAlgorithm("s2cloudfree:seq2seq")
    seq2seq.setChildId("seq2seq")
    seq2seq.addParameterSources("S2_LAYERS", [from_child("sample", "S2_LAYERS")])
    seq2seq.addParameterSources("S1_LAYERS", [from_child("sample", "S1_LAYERS")])
    seq2seq.addParameterSources("MASK_LAYERS", [from_child("cloudmask", "MASK_LAYERS")])
    for name, value in (("DEVICE", "cpu"), ("STEPS", 3), ("CPU_THREADS", 1)):
        seq2seq.addParameterSources(name, [static(value)])
    seq2seq.setModelOutputs({"cloudfree": output(seq2seq, "OUTPUT_FOLDER", "cloudfree")})
    model.addChildAlgorithm(seq2seq)
    model.updateDestinationParameters()
    return model


def test_saved_model_chaining_sample_cloudmask_series_and_seq2seq_runs(s2cf_provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingModelAlgorithm

    path = tmp_path / "seq2seq.model3"
    assert _seq2seq_chain().toFile(str(path))
    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(path))
    result = processing.run(model, {"sample:sample": str(tmp_path / "sample"), "cloudmask:masks": str(tmp_path / "masks"),
                                    "seq2seq:cloudfree": str(tmp_path / "cloudfree")})
    assert result["seq2seq:cloudfree"] == str(tmp_path / "cloudfree")
    s2 = sorted((tmp_path / "sample").glob("s2_*.tif"))
    outputs = sorted((tmp_path / "cloudfree").glob("*.tif"))
    assert [p.name for p in outputs] == [p.name.replace(".tif", "_cloudfree.tif") for p in s2]
    # clear pixels by the s2cloudless masks of the chain are kept, cloudy ones are filled by the network
    changed = 0
    for src, got in zip(s2, outputs):
        mask = tmp_path / "masks" / src.name.replace(".tif", "_cloudmask.tif")
        with rasterio.open(src) as s, rasterio.open(got) as g, rasterio.open(mask) as m:
            clear = m.read(1) == 0
            before, after = s.read(), g.read()
            assert np.array_equal(after[:, clear], before[:, clear])
            changed += int((after[:, ~clear] != before[:, ~clear]).any(axis=0).sum())
    assert changed > 0
