"""``s2cloudfree:cloudmask_series``: s2cloudless masks for every layer of a series (for models)."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputString,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
)

from .algorithm_base import CLOUDMASK_SETTINGS_HELP, CSMASK_HELP, EXTENT, S2_LAYERS, SCL_HELP, S2CloudFreeAlgorithm

OUTPUT_FOLDER = "OUTPUT_FOLDER"
MASK_LAYERS = "MASK_LAYERS"
CLOUD_FRACTIONS = "CLOUD_FRACTIONS"
SCL_LAYERS = "SCL_LAYERS"


class CloudMaskSeriesAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "cloudmask_series"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Cloud masks of a time series (s2cloudless, Sen2Cor SCL or ukis-csmask)")

    def help_text(self):
        return (
            "Runs 'Cloud mask (s2cloudless)' on every Sentinel-2 Level-1C layer of a series and "
            "writes one mask per layer into OUTPUT_FOLDER, named after the layer "
            "(<name>_cloudmask.tif; uint8, 1 = cloud, 0 = clear, 255 = nodata), cropped to EXTENT "
            "when it is set. The output MASK_LAYERS lists them in the order of S2_LAYERS, so that in "
            "a model it feeds the MASK_LAYERS input of the compositing and cloud removal "
            "algorithms. CLOUD_FRACTIONS gives each layer's cloud share of its valid pixels, in "
            "percent, comma-separated.\n\n"
            + CLOUDMASK_SETTINGS_HELP + "\n\n" + SCL_HELP + " The SCL layers go in SCL_LAYERS, one "
            "per Sentinel-2 layer in the same order (a date that differs from its layer's is an error).\n\n"
            + CSMASK_HELP + " (at 30 m, product level from each layer's metadata, else its bands)\n\n"
            "The masks are written to a temporary folder and moved into OUTPUT_FOLDER only when "
            "all are complete: a failed or cancelled run adds nothing to it."
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            S2_LAYERS, "Sentinel-2 L1C layers (the time series)", QgsProcessing.SourceType.TypeRaster))
        self.add_mask_method_parameters()
        self.addParameter(QgsProcessingParameterMultipleLayers(
            SCL_LAYERS, "Sen2Cor scene classifications (SCL), one per Sentinel-2 layer", QgsProcessing.SourceType.TypeRaster,
            optional=True))
        self.add_cloudmask_parameters(advanced=False)
        self.addParameter(QgsProcessingParameterExtent(
            EXTENT, "Region of interest (default: each whole raster)", optional=True))
        self.add_device_parameter(advanced=True)
        self.add_harmonize_parameter()
        self.add_performance_parameters()
        self.addParameter(QgsProcessingParameterFolderDestination(OUTPUT_FOLDER, "Output folder for the masks"))
        self.addOutput(QgsProcessingOutputMultipleLayers(MASK_LAYERS, "Cloud masks"))
        self.addOutput(QgsProcessingOutputString(CLOUD_FRACTIONS, "Cloud fractions (%)"))

    def execute(self, parameters, context, reporter):
        from ..core.series_masks import write_series_masks

        s2_paths = self.layer_paths(parameters, S2_LAYERS, context)
        if not s2_paths:
            raise self.input_error(f"{S2_LAYERS}: no Sentinel-2 layer was given.")
        extent, extent_crs = self.extent(parameters, context)
        memory_mb, threads = self.performance(parameters, context)
        device = self.device_text(parameters, context, needs_torch=False)
        folder = self.parameterAsString(parameters, OUTPUT_FOLDER, context)
        from dataclasses import replace

        settings = self.cloudmask_settings(parameters, context)
        scl_paths = None
        if settings.method == "scl":
            scl_paths = self.layer_paths(parameters, SCL_LAYERS, context)
            if not scl_paths:
                raise self.input_error(f"METHOD is the Sen2Cor scene classification but no {SCL_LAYERS} were given.")
            settings = replace(settings, scl_classes=self.scl_classes(parameters, context))
        result = write_series_masks(s2_paths, folder, extent=extent, extent_crs=extent_crs, settings=settings,
                                    reporter=reporter, memory_mb=memory_mb, device=device, threads=threads,
                                    scl_paths=scl_paths)
        reporter.info(f"{len(result['mask_paths'])} cloud masks written to {folder}.")
        return {OUTPUT_FOLDER: folder, MASK_LAYERS: result["mask_paths"],
                CLOUD_FRACTIONS: ",".join(f"{100 * f:.2f}" for f in result["cloud_fractions"])}
