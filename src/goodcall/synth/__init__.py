"""A synthetic Canadian carrier in the import format, for development, demos and evaluation.

``goodcall synth`` / :func:`goodcall.synth.generate.write_carrier` stream it to files,
:func:`goodcall.synth.generate.carrier_tables` builds a small one in memory. Each module documents
the assumptions it builds in: :mod:`.geo` (provinces, time zones, languages), :mod:`.people`
(names, register, tenure, self-service), :mod:`.lines` (plans, devices, usage),
:mod:`.promotions`, :mod:`.consent`, :mod:`.cases`, :mod:`.campaigns` (who was contacted, the
randomisation) and :mod:`.history` (outcomes drawn from the ground truth, :mod:`goodcall.truth`).
``carrier.py`` holds the reference data (plans, promotions, devices, offers) shared with the
fixtures and the catalog.
"""
