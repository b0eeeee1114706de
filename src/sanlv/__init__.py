"""sanlv (三率): checks property-management rosters and reports the three rates."""

from .issues import InputError

__version__ = "0.1.0"

__all__ = ["InputError", "__version__"]
