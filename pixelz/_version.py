"""The package version, defined here only: ``pyproject.toml`` reads it at build time
(``[tool.setuptools.dynamic]``), and any module can import it without importing the rest."""

__all__ = ["__version__"]

__version__ = "0.1.0"
