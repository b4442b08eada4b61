"""Exceptions raised by the core library.

The Processing layer turns every :class:`S2CloudFreeError` into a
``QgsProcessingException`` with the same message, so messages are written
for the user: they name the layer or file and say what is wrong.
"""


class S2CloudFreeError(Exception):
    """Base class of every error the core library raises on purpose."""


class InputError(S2CloudFreeError):
    """An input layer, file or parameter cannot be used as given."""


class CancelledError(S2CloudFreeError):
    """The user cancelled the run; nothing was written."""

    def __init__(self, message="The run was cancelled; no output was written."):
        super().__init__(message)


class MissingDependencyError(S2CloudFreeError):
    """A Python package the algorithm needs cannot be imported."""
