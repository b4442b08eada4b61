"""``s2cloudfree:cloudmask``: s2cloudless cloud masks, exact and windowed."""

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
)

from .algorithm_base import (
    CLOUDMASK_SETTINGS_HELP,
    EXTENT,
    HARMONIZE,
    HARMONIZE_HELP,
    HARMONIZE_OPTIONS,
    CSMASK_HELP,
    SCL_HELP,
    S2CloudFreeAlgorithm,
)

INPUT = "INPUT"
SCL = "SCL"
OUTPUT_CLASSES = "OUTPUT_CLASSES"
PRODUCT_LEVEL = "PRODUCT_LEVEL"
CSMASK_RESOLUTION = "CSMASK_RESOLUTION"
PRODUCT_LEVELS = (("auto", "Detect (metadata and name; else from the bands)"), ("l2a", "Level-2A"),
                  ("l1c", "Level-1C"))
CSMASK_RESOLUTIONS = (("30m", "30 m, as the models were trained"), ("native", "Native"))
OUTPUT_MASK = "OUTPUT_MASK"
OUTPUT_PROBABILITY = "OUTPUT_PROBABILITY"
CLOUD_FRACTION = "CLOUD_FRACTION"
INPUT_SCALE = "INPUT_SCALE"
CLIP_REFLECTANCE = "CLIP_REFLECTANCE"
RESOLUTION = "RESOLUTION"

INPUT_SCALES = (("auto", "Detect (integers: digital numbers; floats: reflectance)"),
                ("dn", "Digital numbers (reflectance x 10000)"),
                ("reflectance", "Reflectance (0 to 1)"))
RESOLUTIONS = (("native", "Native (exact)"), (20, "20 m (approximation)"), (60, "60 m (approximation)"),
               (160, "160 m (approximation)"))


class CloudMaskAlgorithm(S2CloudFreeAlgorithm):
    def name(self):
        return "cloudmask"

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr("Cloud mask (s2cloudless, Sen2Cor SCL or ukis-csmask)")

    def help_text(self):
        return (
            "Cloud mask of one Sentinel-2 raster. METHOD: automatic (the default: s2cloudless for "
            "Level-1C, ukis-csmask for Level-2A, logged), s2cloudless (Level-1C, clouds), the Sen2Cor "
            "scene classification of a Level-2A product (clouds, shadows, cirrus) or ukis-csmask "
            "(Level-1C or Level-2A, clouds and shadows); each is described below.\n\n"
            "s2cloudless is the classifier of SEN12MS-CR-TS. At native resolution masks are identical to s2cloudless's "
            "S2PixelCloudDetector on the same pixels (probabilities within 1e-6), also on scenes "
            "processed window by window; a compiled tree engine makes it several times faster.\n\n"
            "OUTPUT_MASK: uint8, 1 = not clear, 0 = clear, 255 = nodata where the input has none. "
            "OUTPUT_PROBABILITY (optional): float32 cloud probability. CLOUD_FRACTION: the share "
            "of valid pixels that are cloudy.\n\n"
            + CLOUDMASK_SETTINGS_HELP + "\n\n"
            "The input needs the bands B01 B02 B04 B05 B08 B8A B09 B10 B11 B12: 13 bands in L1C "
            "order, or any band set whose band descriptions name them. The classifier was trained "
            "on Level-1C; Level-2A input runs with a warning but its probabilities are not reliable.\n\n"
            "Advanced: INPUT_SCALE (digital numbers or reflectance; detected by default); HARMONIZE "
            "removes the +1000 DN offset of products of processing baseline 04.00 and later (rule "
            "below); CLIP_REFLECTANCE (on by default) clips reflectance above 1 (DN 10000) before "
            "classification, as SEN12MS-CR-TS prepares its inputs (off: exactly as the s2cloudless "
            "package on the unclipped values; on the real test scene 308 of 438,272 pixels have such "
            "values, the probability of 297 changes by at most 0.005 and no mask pixel changes); RESOLUTION computes probabilities on area-averaged bands at 20, 60 or 160 m and "
            "resamples them back (much faster on whole tiles, but an approximation: only native is "
            "exact); DEVICE 'cuda' runs the tree evaluation on the GPU.\n\n" + SCL_HELP + " The SCL "
            "layer goes in SCL; INPUT is the Sentinel-2 layer of the same product (the mask's grid and "
            "its observed pixels); the s2cloudless settings and OUTPUT_PROBABILITY do not apply.\n\n"
            + CSMASK_HELP + " PRODUCT_LEVEL and CSMASK_RESOLUTION (advanced) choose the model and the "
            "resolution. OUTPUT_CLASSES (optional; ukis-csmask and scl) keeps the kinds apart: 0 clear, 1 cloud, 2 cloud shadow, and with scl also 3 thin cirrus and 4 snow or ice (whatever SCL_CLASSES counts as not clear).\n\n"
            + HARMONIZE_HELP
        )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(QgsProcessingParameterRasterLayer(INPUT, "Sentinel-2 raster (Level-1C or Level-2A)"))
        self.add_mask_method_parameters()
        self.addParameter(QgsProcessingParameterRasterLayer(
            SCL, "Sen2Cor scene classification (SCL) of the same product", optional=True))
        self.add_cloudmask_parameters(advanced=False)
        self.addParameter(QgsProcessingParameterExtent(
            EXTENT, "Region of interest (default: the whole raster)", optional=True))
        advanced = [
            QgsProcessingParameterEnum(INPUT_SCALE, "Input values are", [t for _, t in INPUT_SCALES],
                                       defaultValue=0),
            QgsProcessingParameterEnum(HARMONIZE, "Processing baseline 04.00 offset (+1000 DN)",
                                       [t for _, t in HARMONIZE_OPTIONS], defaultValue=0),
            QgsProcessingParameterBoolean(CLIP_REFLECTANCE, "Clip reflectance above 1 before classification "
                                          "(as SEN12MS-CR-TS)", defaultValue=True),
            QgsProcessingParameterEnum(RESOLUTION, "Processing resolution", [t for _, t in RESOLUTIONS],
                                       defaultValue=0),
            QgsProcessingParameterEnum(PRODUCT_LEVEL, "Product level (ukis-csmask)", [t for _, t in PRODUCT_LEVELS],
                                       defaultValue=0),
            QgsProcessingParameterEnum(CSMASK_RESOLUTION, "Resolution of the classification (ukis-csmask)",
                                       [t for _, t in CSMASK_RESOLUTIONS], defaultValue=0),
        ]
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
            self.addParameter(parameter)
        self.add_device_parameter(advanced=True)
        self.add_performance_parameters()
        self.addParameter(QgsProcessingParameterRasterDestination(OUTPUT_MASK, "Cloud mask"))
        self.addParameter(QgsProcessingParameterRasterDestination(
            OUTPUT_PROBABILITY, "Cloud probability", optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            OUTPUT_CLASSES, "Classes: 0 clear, 1 cloud, 2 cloud shadow, 3 thin cirrus, 4 snow (ukis-csmask, scl)",
            optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(CLOUD_FRACTION, "Cloud fraction of the valid pixels"))

    def execute(self, parameters, context, reporter):
        from ..core.cloudmask import compute_cloud_mask
        from .settings import set_last_device_used

        layer = self.parameterAsRasterLayer(parameters, INPUT, context)
        if layer is None:
            raise self.input_error(f"{INPUT}: no raster layer was given.")
        path = self.raster_path(layer, INPUT)
        extent, extent_crs = self.extent(parameters, context)
        memory_mb, threads = self.performance(parameters, context)
        device = self.device_text(parameters, context)
        probability_path = self.parameterAsOutputLayer(parameters, OUTPUT_PROBABILITY, context) or None
        method = self.mask_method(parameters, context)
        if method == "auto":
            from ..core.mask_method import choose_method

            method, why = choose_method(path)
            reporter.info(f"METHOD automatic: {'ukis-csmask' if method == 'csmask' else method}, as the layer is {why}.")
        if method == "scl":
            return self._scl_mask(parameters, context, reporter, path, extent, extent_crs, memory_mb,
                                  probability_path)
        if method == "csmask":
            return self._csmask(parameters, context, reporter, path, extent, extent_crs, memory_mb, threads,
                                probability_path)
        if self.parameterAsOutputLayer(parameters, OUTPUT_CLASSES, context):
            reporter.warning("OUTPUT_CLASSES is not written by s2cloudless (it has one class, cloud); use METHOD "
                             "ukis-csmask or scl for classes.")
        settings = self.cloudmask_settings(parameters, context)
        result = compute_cloud_mask(
            path, self.parameterAsOutputLayer(parameters, OUTPUT_MASK, context),
            probability_path=probability_path, threshold=settings.threshold,
            average_over=settings.average_over, dilation_size=settings.dilation_size,
            extent_bounds=extent, extent_crs=extent_crs,
            input_scale=INPUT_SCALES[self.parameterAsEnum(parameters, INPUT_SCALE, context)][0],
            harmonize=self.harmonize(parameters, context),
            clip_reflectance=self.parameterAsBool(parameters, CLIP_REFLECTANCE, context)
            if CLIP_REFLECTANCE in parameters else True,
            resolution=RESOLUTIONS[self.parameterAsEnum(parameters, RESOLUTION, context)][0],
            memory_mb=memory_mb, threads=threads, device=device, reporter=reporter)
        reporter.info(f"Tree engine: {result['engine_used']} on {device}.")
        set_last_device_used(device, requested=self.parameterAsString(parameters, "DEVICE", context),
                             algorithm=self.id())
        outputs = {OUTPUT_MASK: result["mask_path"], CLOUD_FRACTION: result["cloud_fraction"]}
        if probability_path:
            outputs[OUTPUT_PROBABILITY] = probability_path
        return outputs

    def _scl_mask(self, parameters, context, reporter, path, extent, extent_crs, memory_mb, probability_path):
        """METHOD scl: the mask from the scene classification layer SCL."""
        from ..core.scl_mask import compute_scl_mask

        scl = self.parameterAsRasterLayer(parameters, SCL, context)
        if scl is None:
            raise self.input_error(f"METHOD is the Sen2Cor scene classification but no {SCL} layer was given.")
        if probability_path:
            reporter.warning("OUTPUT_PROBABILITY is not written with the scene classification: it has no "
                             "probabilities.")
        classes_path = self.parameterAsOutputLayer(parameters, OUTPUT_CLASSES, context) or None
        result = compute_scl_mask(self.raster_path(scl, SCL), self.parameterAsOutputLayer(parameters, OUTPUT_MASK, context),
                                  path, self.scl_classes(parameters, context), extent, extent_crs, memory_mb,
                                  reporter, classes_path=classes_path)
        outputs = {OUTPUT_MASK: result["mask_path"], CLOUD_FRACTION: result["cloud_fraction"]}
        if classes_path:
            outputs[OUTPUT_CLASSES] = classes_path
        return outputs

    def _csmask(self, parameters, context, reporter, path, extent, extent_crs, memory_mb, threads, probability_path):
        from ..core.csmask import compute_csmask

        if probability_path:
            reporter.warning("OUTPUT_PROBABILITY is written by s2cloudless only; use OUTPUT_CLASSES with ukis-csmask.")
        classes_path = self.parameterAsOutputLayer(parameters, OUTPUT_CLASSES, context) or None
        level = PRODUCT_LEVELS[self.parameterAsEnum(parameters, PRODUCT_LEVEL, context)][0] \
            if PRODUCT_LEVEL in parameters else "auto"
        resolution = CSMASK_RESOLUTIONS[self.parameterAsEnum(parameters, CSMASK_RESOLUTION, context)][0] \
            if CSMASK_RESOLUTION in parameters else "30m"
        result = compute_csmask(path, self.parameterAsOutputLayer(parameters, OUTPUT_MASK, context), classes_path,
                                level, resolution, extent, extent_crs, self.harmonize(parameters, context),
                                memory_mb, threads, reporter)
        outputs = {OUTPUT_MASK: result["mask_path"], CLOUD_FRACTION: result["cloud_fraction"]}
        if classes_path:
            outputs[OUTPUT_CLASSES] = classes_path
        return outputs
