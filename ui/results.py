"""Results of dock runs in the project: the "S2 CloudFree results" group and their styles.

Sentinel-2 outputs get a true-colour renderer (B04, B03, B02 found by band description, or by the
band order when the file names no bands) stretched between the 2 % and 98 % cumulative cut of each
band; cloud masks get a paletted style (clear transparent, cloud/shadow coloured).
"""

import os

from qgis.core import (
    QgsContrastEnhancement,
    QgsMultiBandColorRenderer,
    QgsPalettedRasterRenderer,
    QgsProject,
    QgsRasterLayer,
    QgsRasterMinMaxOrigin,
)
from qgis.PyQt.QtGui import QColor

from ..core.bands import band_layout
from .series_model import MASK, S2, band_descriptions, classify

RESULTS_GROUP = "S2 CloudFree results"
MASKS_SUBGROUP = "Cloud masks"
TRUE_COLOUR = ("B04", "B03", "B02")
CUT_LOWER, CUT_UPPER = 0.02, 0.98
#: Pixels sampled per band for the stretch (QGIS's own default is 250 000).
STRETCH_SAMPLE = 250000


def results_group(project=None, create=True, subgroup=None):
    """The results group at the top of the layer tree (and ``subgroup`` inside it)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    group = root.findGroup(RESULTS_GROUP)
    if group is None:
        if not create:
            return None
        group = root.insertGroup(0, RESULTS_GROUP)
    if subgroup:
        child = group.findGroup(subgroup)
        if child is None:
            if not create:
                return None
            child = group.addGroup(subgroup)
        group = child
    return group


def layers_in_group(group):
    """Every layer (id) below a layer-tree group."""
    if group is None:
        return []
    return [node.layerId() for node in group.findLayers()]


def result_layer_ids(project=None):
    """Layers of the results group that the series builder must not take as inputs (every result
    except the cloud masks, which are inputs of the next runs)."""
    group = results_group(project, create=False)
    if group is None:
        return set()
    masks = set(layers_in_group(group.findGroup(MASKS_SUBGROUP)))
    return set(layers_in_group(group)) - masks


def true_colour_bands(layer):
    """1-based (red, green, blue) band numbers of B04, B03, B02, or None."""
    layout = band_layout(band_descriptions(layer), layer.bandCount())
    if not layout.known:
        return None
    indexes = [layout.index_of(name) for name in TRUE_COLOUR]
    if any(i is None for i in indexes):
        return None
    return tuple(i + 1 for i in indexes)


def apply_true_colour(layer, lower=CUT_LOWER, upper=CUT_UPPER):
    """Give ``layer`` a B04/B03/B02 renderer with a cumulative-cut stretch; False when it lacks
    those bands."""
    bands = true_colour_bands(layer)
    if bands is None:
        return False
    provider = layer.dataProvider()
    renderer = QgsMultiBandColorRenderer(provider, *bands)
    extent = layer.extent()
    enhancements = []
    for band in bands:
        low, high = provider.cumulativeCut(band, lower, upper, extent, STRETCH_SAMPLE)
        if not high > low:
            high = low + 1
        enhancement = QgsContrastEnhancement(provider.dataType(band))
        enhancement.setContrastEnhancementAlgorithm(QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum, False)
        enhancement.setMinimumValue(low)
        enhancement.setMaximumValue(high)
        enhancements.append(enhancement)
    renderer.setRedContrastEnhancement(enhancements[0])
    renderer.setGreenContrastEnhancement(enhancements[1])
    renderer.setBlueContrastEnhancement(enhancements[2])
    origin = QgsRasterMinMaxOrigin()
    origin.setLimits(QgsRasterMinMaxOrigin.Limits.CumulativeCut)
    origin.setCumulativeCutLower(lower)
    origin.setCumulativeCutUpper(upper)
    origin.setExtent(QgsRasterMinMaxOrigin.Extent.WholeRaster)
    origin.setStatAccuracy(QgsRasterMinMaxOrigin.StatAccuracy.Estimated)
    renderer.setMinMaxOrigin(origin)
    layer.setRenderer(renderer)
    layer.triggerRepaint()
    return True


def apply_mask_style(layer):
    """Clear (0) transparent, 1 and other values (cloud, shadow) in colour."""
    classes = [
        QgsPalettedRasterRenderer.Class(0, QColor(0, 0, 0, 0), "clear"),
        QgsPalettedRasterRenderer.Class(1, QColor(255, 40, 200, 160), "cloud or shadow"),
        QgsPalettedRasterRenderer.Class(2, QColor(120, 40, 255, 160), "cloud shadow"),
        QgsPalettedRasterRenderer.Class(3, QColor(255, 200, 0, 160), "other"),
    ]
    renderer = QgsPalettedRasterRenderer(layer.dataProvider(), 1, classes)
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def style_layer(layer):
    """True colour for Sentinel-2 rasters, the mask style for masks; 'true colour', 'mask' or ''."""
    descriptions = band_descriptions(layer)
    is_byte = layer.bandCount() == 1 and layer.dataProvider().dataType(1) == 1  # Qgis.DataType.Byte
    kind, _reason = classify(layer.bandCount(), descriptions, is_byte,
                             (os.path.basename(layer.source()), layer.name()), True)
    if kind == S2 and apply_true_colour(layer):
        return "true colour"
    if kind == MASK:
        apply_mask_style(layer)
        return "mask"
    return ""


def add_raster_result(path, name, subgroup=None, project=None, style=True):
    """Load ``path`` as a layer named ``name`` into the results group; the layer (None if invalid)."""
    project = project or QgsProject.instance()
    layer = QgsRasterLayer(str(path), name, "gdal")
    if not layer.isValid():
        return None
    if style:
        style_layer(layer)
    project.addMapLayer(layer, False)
    group = results_group(project, subgroup=subgroup)
    group.insertLayer(0, layer)
    return layer


def add_algorithm_outputs(algorithm, results, label, subgroup=None, project=None):
    """Add the raster and folder outputs of a finished run to the results group.

    Returns (layers added, {output name: value} of the other outputs: numbers, strings)."""
    layers, values = [], {}
    for output in algorithm.outputDefinitions():
        name = output.name()
        value = results.get(name)
        if value in (None, ""):
            continue
        kind = output.type()
        if kind == "outputRaster" and isinstance(value, str) and os.path.exists(value.split("|")[0]):
            title = label if name == "OUTPUT" else f"{label} – {output.description()}"
            layer = add_raster_result(value, title, subgroup, project)
            if layer is not None:
                layers.append(layer)
        elif kind == "outputFolder" and isinstance(value, str) and os.path.isdir(value):
            group_name = subgroup or label
            for file_name in sorted(os.listdir(value), reverse=True):
                if file_name.lower().endswith((".tif", ".tiff")) and not file_name.startswith("."):
                    layer = add_raster_result(os.path.join(value, file_name),
                                              f"{label} {os.path.splitext(file_name)[0]}", group_name, project)
                    if layer is not None:
                        layers.append(layer)
        elif kind in ("outputNumber", "outputString", "outputBoolean"):
            values[name] = value
    return layers, values

