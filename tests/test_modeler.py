"""The algorithms chained in a Processing model (.model3), as the graphical modeler saves it."""

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
