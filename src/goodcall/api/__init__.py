"""``goodcall serve``: the decision core behind HTTP (FastAPI), versioned under ``/v1``.

:func:`goodcall.api.app.create_app` builds the application (and the store's engine); routers are
thin and call the same functions as the command line: ``explain``'s way of deciding one customer,
``brief``'s briefs, the store's writers. Access: :mod:`goodcall.api.access`.
"""
