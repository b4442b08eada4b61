"""The ``s2cloudfree`` Processing provider."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .benchmark_algorithm import BenchmarkAlgorithm
from .cloudmask_algorithm import CloudMaskAlgorithm
from .cloudmask_series_algorithm import CloudMaskSeriesAlgorithm
from .evaluate_algorithm import EvaluateAlgorithm
from .gapfill_algorithm import GapFillAlgorithm
from .least_cloudy_algorithm import LeastCloudyAlgorithm
from .mosaic_algorithm import MosaicAlgorithm
from .sample_algorithm import SampleAlgorithm
from .seq2point_algorithm import Seq2PointAlgorithm
from .seq2seq_algorithm import Seq2SeqAlgorithm
from .train_seq2point_algorithm import TrainSeq2PointAlgorithm

_ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "ui", "icons", "s2cloudfree.svg")


class S2CloudFreeProvider(QgsProcessingProvider):
    def id(self):
        return "s2cloudfree"

    def name(self):
        return "S2 CloudFree"

    def longName(self):  # noqa: N802 (QGIS API)
        return "S2 CloudFree: cloud-free Sentinel-2 from time series"

    def icon(self):
        return QIcon(_ICON)

    def svgIconPath(self):  # noqa: N802 (QGIS API)
        return _ICON

    def versionInfo(self):  # noqa: N802 (QGIS API)
        """The plugin's version, from metadata.txt."""
        from ..core.plugin_metadata import plugin_version

        return plugin_version()

    def loadAlgorithms(self):  # noqa: N802 (QGIS API)
        for algorithm in (CloudMaskAlgorithm(), CloudMaskSeriesAlgorithm(), LeastCloudyAlgorithm(), MosaicAlgorithm(), SampleAlgorithm(),
                          Seq2PointAlgorithm(), TrainSeq2PointAlgorithm(), Seq2SeqAlgorithm(),
                          GapFillAlgorithm(), EvaluateAlgorithm(), BenchmarkAlgorithm()):
            self.addAlgorithm(algorithm)
