"""The 口径 (`sanlv.toml`): which compounds, committees and units count, the thresholds of
the policy checks and the staged targets (SPEC section 1).

    settings.py  the settings as a table of dataclass fields (defaults, kinds, labels, help)
    kinds.py     how each kind of value is read, checked and written back
    load.py      reading a file, with one-line Chinese errors
    toml.py      writing the commented default file, describing the 口径 in force

Standard library and `sanlv.schema` only: imported at CLI start-up.
"""

from __future__ import annotations

from .kinds import POPULATION_LABELS
from .load import ConfigError, load_config, parse_config
from .settings import (
    DEFAULT_TARGETS,
    HEADLINE_RATES,
    RATE_KEYS,
    RATE_NAMES,
    SECTIONS,
    CollectConfig,
    CommitteeConfig,
    Config,
    PartyConfig,
    RulesConfig,
    ServiceConfig,
    Target,
    TodoConfig,
)
from .toml import default_toml, describe, to_toml

__all__ = [
    "DEFAULT_TARGETS",
    "HEADLINE_RATES",
    "POPULATION_LABELS",
    "RATE_KEYS",
    "RATE_NAMES",
    "SECTIONS",
    "CollectConfig",
    "CommitteeConfig",
    "Config",
    "ConfigError",
    "PartyConfig",
    "RulesConfig",
    "ServiceConfig",
    "Target",
    "TodoConfig",
    "default_toml",
    "describe",
    "load_config",
    "parse_config",
    "to_toml",
]
