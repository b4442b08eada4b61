"""QGIS Processing provider of S2 CloudFree: thin wrappers around ``core``."""
