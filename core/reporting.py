"""How core code reports progress and log lines and learns about cancellation.

Core functions take a ``reporter`` argument. The Processing layer passes an
adapter around ``QgsProcessingFeedback``; scripts and tests use
:class:`ConsoleReporter` or :class:`SilentReporter`.
"""

import logging
import time

from .errors import CancelledError

_log = logging.getLogger("s2cloudfree")


class Reporter:
    """Base reporter: logs to the ``s2cloudfree`` logger, never cancels."""

    def info(self, message):
        _log.info(message)

    def warning(self, message):
        _log.warning(message)

    def set_progress(self, percent):
        """Overall progress of the run, 0 to 100."""

    def is_cancelled(self):
        return False

    def check_cancelled(self):
        """Raise :class:`CancelledError` when the user asked to stop."""
        if self.is_cancelled():
            raise CancelledError()


class SilentReporter(Reporter):
    """Reporter that records messages instead of printing them (tests, library use)."""

    def __init__(self, cancel_after_checks=None):
        self.messages = []
        self.warnings = []
        self.progress = []
        self._checks = 0
        self._cancel_after = cancel_after_checks

    def info(self, message):
        self.messages.append(message)

    def warning(self, message):
        self.warnings.append(message)
        self.messages.append(message)

    def set_progress(self, percent):
        self.progress.append(percent)

    def is_cancelled(self):
        self._checks += 1
        return self._cancel_after is not None and self._checks > self._cancel_after


class ConsoleReporter(Reporter):
    """Reporter that prints to standard output (command-line scripts)."""

    def __init__(self, show_progress=False):
        self._show_progress = show_progress
        self._last = -1

    def info(self, message):
        print(message, flush=True)

    def warning(self, message):
        print(f"WARNING: {message}", flush=True)

    def set_progress(self, percent):
        step = int(percent) // 10
        if self._show_progress and step != self._last:
            self._last = step
            print(f"{int(percent)}%", flush=True)


class ProgressSpan:
    """Maps the progress of one stage (0..total steps) onto a share of the run."""

    def __init__(self, reporter, start, end, total):
        self.reporter = reporter
        self.start = float(start)
        self.end = float(end)
        self.total = max(int(total), 1)

    def step(self, done):
        """Report that ``done`` of ``total`` steps are finished, and check for cancel."""
        self.reporter.check_cancelled()
        fraction = min(max(done / self.total, 0.0), 1.0)
        self.reporter.set_progress(self.start + (self.end - self.start) * fraction)


class Stopwatch:
    """Wall-clock timer used for the 'time taken' log line."""

    def __init__(self):
        self._t0 = time.perf_counter()

    @property
    def seconds(self):
        return time.perf_counter() - self._t0


class ScaledReporter(Reporter):
    """Passes everything to ``reporter`` but maps progress 0-100 onto ``start``-``end``
    (one stage of a longer run)."""

    def __init__(self, reporter, start, end):
        self.reporter = reporter
        self.start = float(start)
        self.end = float(end)

    def info(self, message):
        self.reporter.info(message)

    def warning(self, message):
        self.reporter.warning(message)

    def set_progress(self, percent):
        self.reporter.set_progress(self.start + (self.end - self.start) * float(percent) / 100.0)

    def is_cancelled(self):
        return self.reporter.is_cancelled()
