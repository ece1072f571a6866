"""Phone numbers, e-mail addresses and names are masked in whatever the service logs.

The service logs no profile on purpose, but an error message or a traceback can carry what a
request or a row held. Every log record of the process is masked when it is made (a record
factory, so every logger and handler — uvicorn's, the libraries', ours — gets the masked text,
whatever handler writes it): its message is formatted and masked, and so is its traceback.

What is masked: North American numbers (``514 555-0199``, ``+1 (514) 555-0199``,
``5145550199``) and other international numbers written with ``+``; e-mail addresses; the value
after a name field (``first_name``, ``last_name``, ``display_name``, ``name``, as ``key=value``
or JSON ``"key": "value"``). Dates and times (``2026-11-20 14:00``) and ids are left alone.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

MASK = "***"
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)"
    r"|\+\d[\d\s().-]{7,}\d"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME = re.compile(
    r"""(?P<key>["']?\b(?:first_name|last_name|display_name|full_name|name)\b["']?\s*[:=]\s*)"""
    r"""(?P<value>"[^"]*"|'[^']*'|[^\s,;)}\]]+)"""
)


def mask(text: str) -> str:
    """``text`` with phone numbers, e-mail addresses and names replaced by ``***``."""
    text = _EMAIL.sub(MASK, text)
    text = _NAME.sub(lambda m: m.group("key") + MASK, text)
    return _PHONE.sub(MASK, text)


_installed = False


def install() -> None:
    """Mask every log record made from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def masked(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            record.msg, record.args = mask(record.getMessage()), ()
        except Exception:  # a message that cannot be formatted is logged as it was
            return record
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)).rstrip())
        return record

    logging.setLogRecordFactory(masked)
    _installed = True
