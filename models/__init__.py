"""Torch network definitions and checkpoints (added with the seq2point and seq2seq methods)."""
