"""Builds Processing models (.model3) in tests the way the graphical modeler does, and round-trips
them through a file as a user's saved model would be."""


def add_step(model, algorithm_id, child_id, values=None, links=None, outputs=None):
    """Add a child algorithm to ``model``.

    ``values``: parameter name -> static value; ``links``: parameter name -> (child id, output
    name) of an earlier step; ``outputs``: model output name -> this step's output name.
    """
    from qgis.core import (
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
    )

    child = QgsProcessingModelChildAlgorithm(algorithm_id)
    child.setChildId(child_id)
    for name, value in (values or {}).items():
        child.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromStaticValue(value)])
    for name, (source_id, source_output) in (links or {}).items():
        child.addParameterSources(name, [QgsProcessingModelChildParameterSource.fromChildOutput(
            source_id, source_output)])
    model_outputs = {}
    for model_name, child_output in (outputs or {}).items():
        output = QgsProcessingModelOutput(model_name)
        output.setChildId(child_id)
        output.setChildOutputName(child_output)
        model_outputs[model_name] = output
    child.setModelOutputs(model_outputs)
    model.addChildAlgorithm(child)
    return child


def new_model(name):
    from qgis.core import QgsProcessingModelAlgorithm

    return QgsProcessingModelAlgorithm(name, "S2 CloudFree tests")


def saved_and_reloaded(model, path):
    """Write ``model`` to ``path`` (.model3) and load it back, as the modeler's Save and Open do."""
    from qgis.core import QgsProcessingModelAlgorithm

    model.updateDestinationParameters()
    assert model.toFile(str(path))
    loaded = QgsProcessingModelAlgorithm()
    assert loaded.fromFile(str(path))
    return loaded
