"""The learners ``bench.uplift_peers`` compares: goodcall's and the open libraries'.

Each learner is ``fit_predict(draw) -> uplift of the test rows``. goodcall's go through
``fit_uplift`` — the function ``goodcall uplift fit`` calls, with the same defaults — and the
model's ``predict``, which ``goodcall uplift score`` calls. The peers get the one-hot matrix,
LightGBM with its library defaults as base learner (one thread, like every learner here), and
for causalml's X- and R-learners the known randomisation share as propensity.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench.peers_data import Draw

Learner = Callable[[Draw], NDArray[np.float64]]


def _lgbm_classifier() -> Any:
    from lightgbm import LGBMClassifier

    return LGBMClassifier(n_jobs=1, verbose=-1, random_state=0)


def _lgbm_regressor() -> Any:
    from lightgbm import LGBMRegressor

    return LGBMRegressor(n_jobs=1, verbose=-1, random_state=0)


def goodcall(method: str, **options: Any) -> Learner:
    """goodcall's ``fit_uplift(method=...)`` on the training rows, ``predict`` on the test rows."""

    def run(d: Draw) -> NDArray[np.float64]:
        from goodcall.models.uplift import fit_uplift

        model = fit_uplift(
            d.features[d.train], d.treated[d.train], d.outcome[d.train], method=method, **options
        )
        return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)

    return run


def goodcall_logistic(d: Draw) -> NDArray[np.float64]:
    """goodcall's two-model logistic baseline."""
    from goodcall.models.uplift import fit_logistic_baseline

    model = fit_logistic_baseline(d.features[d.train], d.treated[d.train], d.outcome[d.train])
    return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)


def _groups(treated: NDArray[np.bool_]) -> NDArray[np.str_]:
    return np.where(treated, "treatment", "control")


def causalml_meta(kind: str) -> Learner:
    """causalml's S-, T-, X- or R-learner on LightGBM."""

    def run(d: Draw) -> NDArray[np.float64]:
        from causalml.inference.meta import (
            BaseRClassifier,
            BaseSClassifier,
            BaseTClassifier,
            BaseXClassifier,
        )

        x, t, y = d.matrix[d.train], _groups(d.treated[d.train]), d.outcome[d.train]
        share = float(d.treated[d.train].mean())
        p_train = np.full(x.shape[0], share)
        p_test = np.full(d.test.size, share)
        if kind == "S":
            model = BaseSClassifier(learner=_lgbm_classifier(), control_name="control")
            model.fit(x, t, y)
            return np.ravel(model.predict(d.matrix[d.test]))
        if kind == "T":
            model = BaseTClassifier(learner=_lgbm_classifier(), control_name="control")
            model.fit(x, t, y)
            return np.ravel(model.predict(d.matrix[d.test]))
        cls = BaseXClassifier if kind == "X" else BaseRClassifier
        model = cls(
            outcome_learner=_lgbm_classifier(),
            effect_learner=_lgbm_regressor(),
            control_name="control",
        )
        model.fit(x, t, y, p=p_train)
        if kind == "X":
            return np.ravel(model.predict(d.matrix[d.test], p=p_test))
        return np.ravel(model.predict(d.matrix[d.test]))

    return run


def causalml_forest(criterion: str) -> Learner:
    """causalml's uplift random forest with its default settings and ``criterion``."""

    def run(d: Draw) -> NDArray[np.float64]:
        from causalml.inference.tree import UpliftRandomForestClassifier

        model = UpliftRandomForestClassifier(
            control_name="control", evaluationFunction=criterion, n_jobs=1, random_state=0
        )
        model.fit(d.matrix[d.train], _groups(d.treated[d.train]), d.outcome[d.train])
        return np.ravel(model.predict(d.matrix[d.test]))

    return run


def sklift(approach: str) -> Learner:
    """scikit-uplift's S (dummy / interaction), T (vanilla / DDR) and class transformation."""

    def run(d: Draw) -> NDArray[np.float64]:
        from sklift.models import ClassTransformation, SoloModel, TwoModels

        model: Any
        if approach.startswith("solo_"):
            model = SoloModel(estimator=_lgbm_classifier(), method=approach[5:])
        elif approach.startswith("two_"):
            model = TwoModels(
                estimator_trmnt=_lgbm_classifier(),
                estimator_ctrl=_lgbm_classifier(),
                method=approach[4:],
            )
        else:
            model = ClassTransformation(estimator=_lgbm_classifier())
        x, t, y = d.matrix[d.train], d.treated[d.train].astype(int), d.outcome[d.train]
        model.fit(x, y, t)
        return np.asarray(model.predict(d.matrix[d.test]), dtype=np.float64)

    return run


def goodcall_with_peer_settings(d: Draw) -> NDArray[np.float64]:
    """goodcall's X-learner with LightGBM's library defaults, as causalml's X-learner gets them
    (100 trees of 31 leaves at 0.1, 20-row leaves, every feature, no penalty, no early stopping,
    every training row): what the settings alone change, the learner being the same."""
    from goodcall.models.uplift import LightGBMParams, fit_uplift

    params = LightGBMParams(
        n_estimators=100,
        learning_rate=0.1,
        num_leaves=31,
        effect_num_leaves=(31,),
        min_child_samples=20,
        colsample_bytree=1.0,
        reg_lambda=0.0,
        early_stopping_rounds=0,
        num_threads=1,
    )
    x, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    model = fit_uplift(x, t, y, method="x", params=params, validation_share=0.0)
    return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)


def goodcall_variant(**settings: Any) -> Learner:
    """goodcall's ``auto`` with other LightGBM settings: variants measured for docs/decisions.md."""

    def run(d: Draw) -> NDArray[np.float64]:
        from goodcall.models.uplift import LightGBMParams, fit_uplift

        x, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
        model = fit_uplift(x, t, y, method="auto", params=LightGBMParams(**settings))
        return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)

    return run


def goodcall_without_s(d: Draw) -> NDArray[np.float64]:
    """``auto`` as it was before the S-learner became a candidate (T, X and class
    transformation only): the same run's before/after of that change."""
    from goodcall.models.uplift import fit_candidates

    x, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    search = fit_candidates(x, t, y, methods=("t", "x", "ct"))
    model = search.models[search.chosen]
    return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)


def goodcall_auto_with_si(d: Draw) -> NDArray[np.float64]:
    """``auto`` with the S-learner with interactions among its candidates (T, X, class
    transformation, S and SI under the standard-error rule): measured and not adopted
    (docs/decisions.md, "The S-learner with interactions")."""
    from goodcall.models.uplift import fit_candidates

    x, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    search = fit_candidates(x, t, y, methods=("t", "x", "ct", "s", "si"))
    model = search.models[search.chosen]
    return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)


def goodcall_large_before(d: Draw) -> NDArray[np.float64]:
    """``auto``'s large-table path as it was before the sample's refit: T, X and class
    transformation compared on a 300,000-row sample, then the chosen learner fitted again on
    the whole training part with early stopping on the whole validation part. The same run's
    "before" of ``--scale`` (on tables up to 300,000 rows it is ``auto`` without the refit)."""
    from goodcall.models.uplift import fit_candidates

    x, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    search = fit_candidates(x, t, y, methods=("t", "x", "ct"), refit=False, search_rows=300_000)
    model = search.models[search.chosen]
    return np.asarray(model.predict(d.features[d.test]), dtype=np.float64)


def _early_stopped(
    x: NDArray[np.float32], t: NDArray[np.bool_], y: NDArray[np.float64], categorical: list[int]
) -> tuple[Any, dict[str, Any], NDArray[np.intp]]:
    """A binary LightGBM with goodcall's settings, early-stopped on a stratified 30 % of the
    rows, as ``auto``'s candidates are: (the booster, its parameters, the validation rows)."""
    import lightgbm as lgb

    from goodcall.models.uplift import LightGBMParams
    from goodcall.models.uplift.data import stratified_split

    params = LightGBMParams()
    fit_rows, valid_rows = stratified_split(t, y, "binary", 0.3, 0)
    booster_params = params.booster_params("binary", 7, rows=fit_rows.size)
    train = lgb.Dataset(x[fit_rows], label=y[fit_rows], categorical_feature=categorical)
    valid = lgb.Dataset(x[valid_rows], label=y[valid_rows], reference=train)
    stopped = lgb.train(
        booster_params, train, num_boost_round=params.n_estimators, valid_sets=[valid],
        callbacks=[lgb.early_stopping(params.early_stopping_rounds, verbose=False)],
    )  # fmt: skip
    return stopped, booster_params, valid_rows


def _refitted(
    stopped: Any, booster_params: dict[str, Any], x: NDArray[np.float32],
    y: NDArray[np.float64], categorical: list[int],
) -> Any:  # fmt: skip
    """``stopped`` refitted on every row with the trees it kept."""
    import lightgbm as lgb

    every = lgb.Dataset(x, label=y, categorical_feature=categorical)
    return lgb.train(booster_params, every, num_boost_round=max(1, stopped.best_iteration))


def goodcall_settings_s(d: Draw) -> NDArray[np.float64]:
    """An S-learner (one LightGBM with the group as a feature, effect = difference of its
    predictions) with goodcall's settings: early stopping on a stratified 30 % of the training
    rows, then refitted on every training row with the trees it kept. Measured for
    docs/decisions.md (binary outcomes), as the candidate ``auto`` would compare."""
    from goodcall.models.features import FeatureEncoder

    features, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    encoder = FeatureEncoder().fit(features, None)
    x = np.column_stack([encoder.transform(features), t.astype(np.float32)])
    categorical = encoder.categorical_indices
    stopped, booster_params, _ = _early_stopped(x, t, y, categorical)
    booster = _refitted(stopped, booster_params, x, y, categorical)
    test = np.column_stack([encoder.transform(d.features[d.test]), np.zeros(d.test.size)])
    control = booster.predict(test)
    test[:, -1] = 1.0
    return np.asarray(booster.predict(test) - control, dtype=np.float64)


def goodcall_auto_with_s(d: Draw) -> NDArray[np.float64]:
    """``auto`` with an S-learner candidate (goodcall's settings, binary outcomes) scored on
    ``auto``'s own validation rows and entering its standard-error rule right after the
    reference (the stump X-learner): what adding the candidate to ``auto`` would choose."""
    from goodcall.models.features import FeatureEncoder
    from goodcall.models.uplift.candidates import Candidate
    from goodcall.models.uplift.fit import fit_candidates
    from goodcall.models.uplift.learners import Part
    from goodcall.models.uplift.selection import score_and_choose

    def s_uplift(booster: Any, x: NDArray[np.float32]) -> NDArray[np.float64]:
        with_group = np.column_stack([x, np.zeros(x.shape[0], dtype=np.float32)])
        control = booster.predict(with_group)
        with_group[:, -1] = 1.0
        return np.asarray(booster.predict(with_group) - control, dtype=np.float64)

    features, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    search = fit_candidates(features, t, y, final="all")
    held = fit_candidates(features, t, y, final="all", refit=False)
    encoder = FeatureEncoder().fit(features, None)
    x = encoder.transform(features)
    x_s = np.column_stack([x, t.astype(np.float32)])
    categorical = encoder.categorical_indices
    stopped, booster_params, valid_rows = _early_stopped(x_s, t, y, categorical)
    s = Candidate("s", None)  # type: ignore[arg-type]
    valid_features = features[valid_rows]
    uplifts = {c: np.asarray(m.predict(valid_features)) for c, m in held.models.items()}
    first, *rest = uplifts
    ordered = {first: uplifts[first], s: s_uplift(stopped, x[valid_rows])}
    ordered.update({c: uplifts[c] for c in rest})
    part = Part(x[valid_rows], t[valid_rows], y[valid_rows])
    _, chosen = score_and_choose(ordered, part, "binary", dict.fromkeys(ordered, 0.0), 0)
    test = d.features[d.test]
    if chosen != s:
        return np.asarray(search.models[chosen].predict(test), dtype=np.float64)
    final = _refitted(stopped, booster_params, x_s, y, categorical)
    return s_uplift(final, encoder.transform(test))


def interaction_design(
    x: NDArray[np.float32], treated: NDArray[np.bool_] | bool, categorical: list[int]
) -> NDArray[np.float32]:
    """scikit-uplift's "treatment interaction" input on goodcall's encoding: the features, each
    feature times the group, and the group. A categorical code becomes code + 1 on treated rows
    and 0 ("control") on control rows, so a split on it isolates treated rows of some categories."""
    t = np.broadcast_to(np.asarray(treated, dtype=bool), (x.shape[0],))
    times = np.where(t[:, None], x, np.float32(0.0))
    if categorical:
        times[:, categorical] = np.where(t[:, None], x[:, categorical] + 1.0, 0.0)
    return np.column_stack([x, times, t.astype(np.float32)]).astype(np.float32, copy=False)


def _s_design(
    kind: str,
) -> Callable[[NDArray[np.float32], Any, list[int]], tuple[NDArray[np.float32], list[int]]]:
    """The S-learner's input (``plain``: the group as a last feature; ``interaction``: with
    every feature times the group; ``interaction_nan``: with every feature again, missing on
    control rows) and its categorical columns."""

    def design(
        x: NDArray[np.float32], treated: Any, categorical: list[int]
    ) -> tuple[NDArray[np.float32], list[int]]:
        if kind == "plain":
            t = np.broadcast_to(np.asarray(treated, dtype=np.float32), (x.shape[0],))
            return np.column_stack([x, t]).astype(np.float32), categorical
        width = x.shape[1]
        if kind == "interaction_nan":
            t = np.broadcast_to(np.asarray(treated, dtype=bool), (x.shape[0],))
            times = np.where(t[:, None], x, np.float32(np.nan))
            inputs = np.column_stack([x, times, t.astype(np.float32)]).astype(np.float32)
            return inputs, [*categorical, *(width + c for c in categorical)]
        return interaction_design(x, treated, categorical), [
            *categorical,
            *(width + c for c in categorical),
        ]

    return design


def goodcall_s_variant(kind: str, defaults: bool = False) -> Learner:
    """An S-learner on goodcall's encoding (``kind`` as in ``_s_design``): with goodcall's
    settings (early stopping on a stratified 30 % of the training rows, then refitted on every
    training row with the trees it kept) or, with ``defaults``, LightGBM's library defaults on
    every training row as the peers get them. Measured for docs/decisions.md."""

    def run(d: Draw) -> NDArray[np.float64]:
        import lightgbm as lgb

        from goodcall.models.features import FeatureEncoder

        design = _s_design(kind)
        features, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
        encoder = FeatureEncoder().fit(features, None)
        x, categorical = design(encoder.transform(features), t, encoder.categorical_indices)
        if defaults:
            booster_params = {
                "objective": "binary", "num_threads": 1, "verbosity": -1, "seed": 0,
                "deterministic": True,
            }  # fmt: skip
            every = lgb.Dataset(x, label=y, categorical_feature=categorical)
            booster = lgb.train(booster_params, every, num_boost_round=100)
        else:
            stopped, booster_params, _ = _early_stopped(x, t, y, categorical)
            booster = _refitted(stopped, booster_params, x, y, categorical)
        test = encoder.transform(d.features[d.test])
        control = booster.predict(design(test, False, encoder.categorical_indices)[0])
        treated = booster.predict(design(test, True, encoder.categorical_indices)[0])
        return np.asarray(treated - control, dtype=np.float64)

    return run


def logistic_s_interaction(d: Draw) -> NDArray[np.float64]:
    """scikit-uplift's S-learner with interactions on an L2 logistic regression (``C=1``,
    standardised one-hot matrix): the linear version of the interaction approach."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklift.models import SoloModel

    x = np.nan_to_num(d.matrix)
    estimator = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    model = SoloModel(estimator=estimator, method="treatment_interaction")
    model.fit(x[d.train], d.outcome[d.train], d.treated[d.train].astype(int))
    return np.asarray(model.predict(x[d.test]), dtype=np.float64)


def goodcall_auto_with_interaction(reference: bool) -> Learner:
    """``auto`` with an S-learner-with-interactions candidate (``goodcall_s_variant``'s, goodcall's
    settings) scored on ``auto``'s own validation rows and entering its standard-error rule:
    as a challenger of the same reference (the stump X-learner), or with ``reference`` as the
    reference itself, which the others must beat by 1.5 standard errors. What adding the
    candidate to ``auto`` would choose; when it chooses another, that candidate's final model."""

    def run(d: Draw) -> NDArray[np.float64]:
        return _auto_with_interaction(d, reference)

    return run


def _auto_with_interaction(d: Draw, reference: bool) -> NDArray[np.float64]:
    from goodcall.models.features import FeatureEncoder
    from goodcall.models.uplift import LightGBMParams, fit_uplift
    from goodcall.models.uplift.candidates import Candidate
    from goodcall.models.uplift.fit import fit_candidates
    from goodcall.models.uplift.learners import Part
    from goodcall.models.uplift.selection import score_and_choose

    features, t, y = d.features[d.train], d.treated[d.train], d.outcome[d.train]
    before = ("t", "x", "ct", "s")  # auto's candidates before this one
    held = fit_candidates(features, t, y, methods=before, final="all", refit=False)
    encoder = FeatureEncoder().fit(features, None)
    x, cats = encoder.transform(features), encoder.categorical_indices
    design = _s_design("interaction")
    x_si, categorical = design(x, t, cats)
    stopped, booster_params, valid_rows = _early_stopped(x_si, t, y, categorical)

    def si_uplift(booster: Any, rows: NDArray[np.float32]) -> NDArray[np.float64]:
        control = booster.predict(design(rows, False, cats)[0])
        return np.asarray(booster.predict(design(rows, True, cats)[0]) - control)

    si = Candidate("si", None)  # type: ignore[arg-type]
    others = {c: np.asarray(m.predict(features[valid_rows])) for c, m in held.models.items()}
    mine = {si: si_uplift(stopped, x[valid_rows])}
    uplifts = mine | others if reference else others | mine
    part = Part(x[valid_rows], t[valid_rows], y[valid_rows])
    _, chosen = score_and_choose(uplifts, part, "binary", dict.fromkeys(uplifts, 0.0), 0)
    print(f"    chosen: {chosen.label}", file=sys.stderr, flush=True)
    test = d.features[d.test]
    if chosen != si:
        if chosen == held.chosen:  # auto's own choice: auto's own model
            search = fit_candidates(features, t, y, methods=before)
            return np.asarray(search.models[search.chosen].predict(test), dtype=np.float64)
        only = LightGBMParams(effect_num_leaves=(chosen.effect_leaves or 2,))
        model = fit_uplift(features, t, y, method=chosen.method, params=only)
        return np.asarray(model.predict(test), dtype=np.float64)
    final = _refitted(stopped, booster_params, x_si, y, categorical)
    return si_uplift(final, encoder.transform(test))


GOODCALL: dict[str, Learner] = {
    "goodcall auto + S candidate": goodcall_auto_with_s,
    "goodcall auto + S interaction candidate": goodcall_auto_with_interaction(False),
    "goodcall auto (S interaction reference)": goodcall_auto_with_interaction(True),
    "goodcall S interaction (own settings)": goodcall_s_variant("interaction"),
    "goodcall S interaction (LightGBM defaults)": goodcall_s_variant("interaction", True),
    "goodcall S (LightGBM defaults)": goodcall_s_variant("plain", True),
    "goodcall S interaction (missing for control)": goodcall_s_variant("interaction_nan"),
    "logistic S interaction": logistic_s_interaction,
    "goodcall S (own settings)": goodcall_settings_s,
    "goodcall auto (rare 5-fold stopping)": goodcall_variant(rare_cv_folds=5),
    "goodcall auto (rare floor 50)": goodcall_variant(rare_min_trees=50),
    "goodcall auto (rare floor 150)": goodcall_variant(rare_min_trees=150),
    "goodcall auto (patience 200)": goodcall_variant(early_stopping_rounds=200),
    "goodcall auto (50-row leaves)": goodcall_variant(min_child_samples=50),
    "goodcall auto": goodcall("auto"),
    "goodcall auto (without S)": goodcall_without_s,
    "goodcall auto with si": goodcall_auto_with_si,
    "goodcall s": goodcall("s"),
    "goodcall si": goodcall("si"),
    "goodcall auto (large tables before)": goodcall_large_before,
    "goodcall x (LightGBM defaults)": goodcall_with_peer_settings,
    "goodcall x": goodcall("x"),
    "goodcall logistic": goodcall_logistic,
}
DUPLICATES = ("sklift S dummy", "sklift T vanilla")
"""The same model as causalml's S- and T-learner on the same rows (identical predictions):
left out unless named with ``--learners``."""
PEERS: dict[str, Learner] = {
    "causalml S (LightGBM)": causalml_meta("S"),
    "causalml T (LightGBM)": causalml_meta("T"),
    "causalml X (LightGBM)": causalml_meta("X"),
    "causalml R (LightGBM)": causalml_meta("R"),
    "causalml uplift RF (KL)": causalml_forest("KL"),
    "sklift S dummy": sklift("solo_dummy"),
    "sklift S interaction": sklift("solo_treatment_interaction"),
    "sklift T vanilla": sklift("two_vanilla"),
    "sklift T ddr_control": sklift("two_ddr_control"),
    "sklift class transformation": sklift("ct"),
}
