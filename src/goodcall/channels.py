"""The contact channels, in the one order every table, report and screen uses."""

from __future__ import annotations

from typing import Literal, get_args

Channel = Literal["phone", "sms", "email", "app"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
