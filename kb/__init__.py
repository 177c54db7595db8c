"""kb: a bilingual terminal study companion for deep learning and large models.

The core (everything under ``kb`` except ``kb.tui``) never imports Textual.
"""

__version__ = "0.1.0"  # the one place: pyproject.toml and `kb --version` read it
