"""When and how calls are dialled: Erlang C and A, a call-centre simulation (SimPy), the pacers
of progressive and predictive dialling, and ``goodcall pace``. See docs/dialling.md.

The package never reads the synthetic truth: who answers and what they say are functions its
callers pass (``goodcall.evaluate.day`` passes the truth's)."""
