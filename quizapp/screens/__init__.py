"""Textual screens, one file per screen."""
