"""sanlv (三率): checks property-management rosters and reports the three rates."""

__version__ = "0.1.0"
