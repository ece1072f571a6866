"""The agent's page (``/agent``): server-rendered (Jinja2), htmx served from this package, no CDN.

Pages authenticate with a session cookie (login with a password) and every form or htmx request
that changes something carries the session's CSRF token (:mod:`goodcall.web.session`).
"""
