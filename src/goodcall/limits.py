"""Limits on what a file may ask of the machine, each defined once here.

A configuration file (catalog, policies, brands, campaign settings) or an import file is written
by a person or by another system; a mistake or a hostile file must be refused with a clear error,
not fill the memory or run for minutes. Every limit is far above what a real file needs (the
shipped catalog is 74 kB, its deepest predicate has 2 levels of parentheses, its longest ``IN``
list 6 values); the message of a refusal names the file, the place and the limit.

This module also holds the YAML loader every configuration file is read with
(:class:`LimitedYamlLoader`): PyYAML's safe loader without aliases and with a nesting bound —
an alias (``*name``) lets 400 bytes expand into gigabytes (the "billion laughs"), and no goodcall
file needs one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_CONFIG_BYTES = 2_000_000
"""Largest configuration file (YAML) read, in bytes."""
MAX_YAML_DEPTH = 40
"""Deepest nesting of mappings and lists in a YAML file."""
MAX_PREDICATE_CHARS = 20_000
"""Longest rule condition (``when``), in characters."""
MAX_PREDICATE_DEPTH = 25
"""Deepest nesting of a rule condition: parentheses, function calls and chained operators."""
MAX_IN_VALUES = 1_000
"""Most values in one ``IN (...)`` list of a rule condition."""
MAX_TEXT_CHARS = 2_000
"""Longest ``because`` text of a rule, in characters."""
MAX_FORMAT_WIDTH = 100
"""Largest width or precision in a placeholder's format (``{field:>20}``, ``{field:.2f}``)."""
MAX_FIELD_CHARS = 10_000
"""Longest text value of one field of an import file, in characters."""


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML file over a limit (or using an alias); carries the position of the offence."""


class LimitedYamlLoader(yaml.SafeLoader):
    """The safe loader that refuses aliases and nesting deeper than :data:`MAX_YAML_DEPTH`."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlLimitError(
                None,
                None,
                "aliases (*name) are not accepted: write the value out in full",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                here = self.peek_event()  # type: ignore[no-untyped-call]
                raise YamlLimitError(
                    None,
                    None,
                    f"nested deeper than {MAX_YAML_DEPTH} levels (MAX_YAML_DEPTH)",
                    here.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class ConfigTooBig(ValueError):
    """A configuration file larger than :data:`MAX_CONFIG_BYTES`."""


def too_big(size: int) -> str | None:
    """The refusal for a configuration text of ``size`` bytes, or None when it may be read."""
    if size > MAX_CONFIG_BYTES:
        return f"larger than {MAX_CONFIG_BYTES:,} bytes, the limit (MAX_CONFIG_BYTES)"
    return None


def read_config_text(path: Path) -> str:
    """The UTF-8 text of a configuration file, reading at most one byte past the limit (a
    device such as ``/dev/zero`` has no size to check beforehand). Raises :class:`ConfigTooBig`,
    ``OSError`` or ``UnicodeDecodeError``."""
    with path.open("rb") as handle:
        data = handle.read(MAX_CONFIG_BYTES + 1)
    refused = too_big(len(data))
    if refused is not None:
        raise ConfigTooBig(refused)
    return data.decode("utf-8")
