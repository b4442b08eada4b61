"""What training seq2point on the user's own series uses unless told otherwise (toolbox, command
line, benchmark). A module of plain values, so that the Processing provider can show them without
importing the training code."""

#: This plugin's gapfill-prior variant, a 20-minute budget with early stopping on the held-out rows
#: and the best weights kept. ``core.train.TrainSettings`` itself keeps the paper's values.
SERIES_DEFAULTS = {"architecture": "crtsnet-lite-gapfill", "steps": 100_000, "max_minutes": 20.0,
                   "patience": 10, "val_samples": 24}
