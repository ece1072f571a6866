"""The agent's page (``/agent``): server-rendered (Jinja2), htmx served from this package, no CDN.

htmx 2.0.11 (``static/htmx.min.js``, from the npm package htmx.org, licence 0BSD) is vendored.
Pages authenticate with a session cookie (login with a password) and every form or htmx request
that changes something carries the session's CSRF token (:mod:`goodcall.web.session`).
"""
