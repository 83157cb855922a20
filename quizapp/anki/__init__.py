"""Anki decks from packs: cards as HTML fields (`cards`), the .apkg package (`deck`)."""
