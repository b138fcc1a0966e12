"""Retraining the classifier from the team's decisions, re-tagging only unreviewed machine tags, and restoring a model.

The machine tags live in the analytic database, so a retrain writes a new one through the import's atomic path
(build.write_database, under the import lock) with the new model's tags; each tag records its model_version. The
models a retrain makes are kept in the team's store (classifier_models), with a log of every run (classifier_runs).
"""

import dataclasses
import hashlib
import pickle
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard import build, config, store, themes
from dashboard.ingest import importer

RETRAIN_SOURCE = "retrain"  # build_info.source: not 'bundled', so a bundled rebuild never overwrites a retrain


class RetrainError(ValueError):
    """A retrain or restore that cannot run as asked; the message says why. Nothing was changed."""


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a retrain or restore did."""

    action: str
    model_version: str
    previous_version: str | None
    hand_coded: int
    reviewed: int
    before_f1: float | None
    after_f1: float | None
    retagged: int
    changed: int
    seconds: float

    def sentence(self) -> str:
        """The outcome in words, for the page and the command line."""
        if self.action == "restore":
            return (
                f"Restored model {self.model_version}: it re-tagged {self.retagged:,} unreviewed machine tags, "
                f"{self.changed:,} of them to another theme, in {self.seconds:.1f} s."
            )
        scored = (
            f"Cross-validated macro-F1 {self.before_f1:.3f} before, {self.after_f1:.3f} after."
            if self.after_f1 is not None
            else "Too few suggestions per theme to cross-validate, so no scores."
        )
        return (
            f"Retrained from {self.hand_coded:,} hand-coded and {self.reviewed:,} reviewed suggestions in "
            f"{self.seconds:.1f} s: model {self.model_version}. {scored} {self.changed:,} of {self.retagged:,} "
            "unreviewed machine tags changed theme; no hand-coded theme or review decision was touched. The previous "
            f"model is {self.previous_version}."
        )


def _read(db: Path, names: list[str], store_path: Path | None) -> list[pd.DataFrame]:
    """Run queries that read current_suggestions() on a database file, with the store's latest decisions."""
    latest = store.latest_decisions(store_path)[1]
    with duckdb.connect(":memory:") as connection:
        connection.execute("attach $path as gse (read_only)", {"path": str(db)})
        connection.execute((config.QUERIES_DIR / "macros.sql").read_text())
        connection.execute("set search_path = 'gse.main,memory.main'")
        connection.register("review_decisions", latest)
        return [connection.execute((config.QUERIES_DIR / f"{name}.sql").read_text()).df() for name in names]


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with build.read_only(db) as connection:
        return {
            table: connection.execute(f"select * from {table}").df()  # noqa: S608 (names from build's constants)
            for table in (*build.TABLES, build.DERIVED_TABLE)
        }


def runs(store_path: Path | None = None) -> pd.DataFrame:
    """Every retrain and restore, oldest first (queries/store/classifier_runs.sql)."""
    return store.read("classifier_runs", path=store_path)


def runs_table(log: pd.DataFrame) -> pd.DataFrame:
    """The runs for display and download, newest first."""
    return pd.DataFrame(
        {
            "When (UTC)": pd.to_datetime(log["run_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "What": log["action"].str.capitalize(),
            "Model": log["model_version"],
            "Model before": log["previous_version"],
            "By": log["run_by"],
            "Macro-F1 before": log["before_f1"].round(3),
            "Macro-F1 after": log["after_f1"].round(3),
            "Re-tagged": log["retagged"],
            "Changed theme": log["changed"],
        }
    ).iloc[::-1]


def missing_examples(training: pd.DataFrame, taxonomy: pd.DataFrame) -> list[str]:
    """The labels of themes with no hand-coded or reviewed suggestion to learn from."""
    found = set(training["theme_id"])
    return [
        label for theme_id, label in zip(taxonomy["theme_id"], taxonomy["label"], strict=True) if theme_id not in found
    ]


def compared_scores(
    training: pd.DataFrame,
    previous_ids: set[str],
    taxonomy: pd.DataFrame,
    folds: int = themes.FOLDS,
    features=None,
) -> tuple[float, float]:
    """Cross-validated macro-F1 of the previous model's training and of the new one, on the same folds.

    Each fold's test suggestions are scored by a model that learnt from the other folds: 'before' from those among the
    suggestions the previous model learnt from, 'after' from all of them. For speed the features (TF-IDF, which sees
    no themes) are fitted once on every text and the SVM is not calibrated: calibration sets the probabilities, and
    hardly ever the chosen theme. `features`, already fitted on these texts (the new model's), saves fitting them again.
    """
    from sklearn.metrics import f1_score
    from sklearn.svm import LinearSVC

    extra_texts, extra_labels = themes.taxonomy_rows(taxonomy)
    with themes.one_blas_thread():
        texts = list(training["text"]) + extra_texts
        matrix = themes.make_model().steps[0][1].fit_transform(texts) if features is None else features.transform(texts)
        rows, extra = matrix[: len(training)], matrix[len(training) :]
        labels = training["theme_id"].to_numpy()
        fold = themes.fold_numbers(training, folds)
        was_known = training["suggestion_id"].isin(previous_ids).to_numpy()
        predicted = {"before": np.empty(len(training), dtype=object), "after": np.empty(len(training), dtype=object)}
        for number in range(folds):
            test = fold == number
            for name, learn in (("before", ~test & was_known), ("after", ~test)):
                if name == "after" and was_known.all():
                    # Nothing new since the previous model (no review decisions): the same fit, so the same answers.
                    predicted["after"][test] = predicted["before"][test]
                    continue
                model = LinearSVC(C=0.5, random_state=themes.SEED)
                model.fit(_stack(rows[learn], extra), np.concatenate([labels[learn], extra_labels]))
                predicted[name][test] = model.predict(rows[test])
    present = sorted(set(labels))
    return tuple(
        float(f1_score(labels, predicted[name], labels=present, average="macro")) for name in ("before", "after")
    )


def _stack(rows, extra):
    from scipy import sparse

    return sparse.vstack([rows, extra])


def current_model(targets: pd.DataFrame) -> str | None:
    """The model that tags the unreviewed machine tags now: the most common version among them (None for none)."""
    versions = targets["model_version"].dropna()
    return versions.mode().iloc[0] if len(versions) else None


def retrain(db: Path, *, by: str, store_path: Path | None = None, folds: int = themes.FOLDS) -> Outcome:
    """Retrain from the hand-coded themes and the review decisions, re-tag the unreviewed machine tags, keep the model."""
    started = time.perf_counter()
    with importer.import_lock(db):
        stored = build.stored_build(db)
        if stored is None:
            raise RetrainError(f"No database at {db}: build or import the data first.")
        training, targets = _read(db, ["retrain_training", "retrain_targets"], store_path)
        tables = _tables(db)
        taxonomy = tables["themes"]
        missing = missing_examples(training, taxonomy)
        if missing:
            raise RetrainError(
                f"No hand-coded or reviewed suggestion to learn from for: {', '.join(missing)}. Review at least one "
                "suggestion into each theme (or hand-code one in the data), then retrain. Nothing was changed."
            )
        previous = current_model(targets)
        previous_ids = _training_ids(previous, tables, store_path)
        # Stratified folds need a theme with at least as many suggestions as folds: a small import gets fewer.
        folds = min(folds, int(training["theme_id"].value_counts().max()))
        model = themes.train(training["text"], training["theme_id"], taxonomy)
        # The new model's TF-IDF was fitted on these same texts (merged where identical): scoring reuses it.
        before, after = (
            compared_scores(training, previous_ids, taxonomy, folds, features=model[0]) if folds >= 2 else (None, None)
        )
        made_at = datetime.now(UTC).replace(tzinfo=None)
        payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
        version = f"retrain-{made_at:%Y%m%d-%H%M%S}-{hashlib.sha256(payload).hexdigest()[:6]}"
        reviewed = int((training["origin"] == "reviewed").sum())
        store.append_model(
            {
                "model_version": version,
                "made_at": made_at,
                "made_by": by,
                "hand_coded": len(training) - reviewed,
                "reviewed": reviewed,
                "training_ids": training["suggestion_id"].tolist(),
                "model": payload,
            },
            store_path,
        )
        changed, data_version = _retag(db, stored, tables, targets, model, version, by=by, action="retrain")
    outcome = Outcome(
        "retrain", version, previous, len(training) - reviewed, reviewed, before, after, len(targets), changed, 0.0
    )
    return _record(outcome, stored, data_version, started, by, store_path)


def restore(db: Path, version: str | None = None, *, by: str, store_path: Path | None = None) -> Outcome:
    """Re-tag the unreviewed machine tags with an earlier model: `version`, or (None) the one before the latest run."""
    started = time.perf_counter()
    runs = store.read("classifier_runs", path=store_path)
    if version is None:
        if runs.empty or pd.isna(runs["previous_version"].iloc[-1]):
            raise RetrainError("There is no earlier model to restore: the classifier has not been retrained.")
        version = runs["previous_version"].iloc[-1]
    with importer.import_lock(db):
        stored = build.stored_build(db)
        if stored is None:
            raise RetrainError(f"No database at {db}: build or import the data first.")
        (targets,) = _read(db, ["retrain_targets"], store_path)
        tables = _tables(db)
        previous = current_model(targets)
        model = _model(version, tables, store_path)
        changed, data_version = _retag(db, stored, tables, targets, model, version, by=by, action="restore")
    outcome = Outcome("restore", version, previous, 0, 0, None, None, len(targets), changed, 0.0)
    return _record(outcome, stored, data_version, started, by, store_path)


def _model(version: str, tables: dict[str, pd.DataFrame], store_path: Path | None):
    if version.startswith("build-"):
        # The build keeps no file: the same hand-coded themes and code make the same model again.
        suggestions = tables["suggestions"]
        manual = suggestions[suggestions["theme_source"] == "manual"]
        if themes.build_model_version(manual["text"], manual["theme_id"], tables["themes"]) != version:
            raise RetrainError(
                f"Model {version} was the build's for data or code since replaced, so it cannot be made again. "
                "Nothing was changed."
            )
        return themes.train(manual["text"], manual["theme_id"], tables["themes"])
    kept = store.read("classifier_model", {"model_version": version}, path=store_path)
    if kept.empty:
        raise RetrainError(f"No kept model {version!r}. Nothing was changed.")
    return pickle.loads(kept.at[0, "model"])  # noqa: S301 (written by retrain into the team's store only)


def _training_ids(version: str | None, tables: dict[str, pd.DataFrame], store_path: Path | None) -> set[str]:
    """The suggestions a model learnt from: a kept model's list, or for the build's, the hand-coded ones."""
    if version and version.startswith("retrain-"):
        kept = store.read("classifier_model", {"model_version": version}, path=store_path)
        if len(kept):
            return set(kept.at[0, "training_ids"])
    suggestions = tables["suggestions"]
    return set(suggestions.loc[suggestions["theme_source"] == "manual", "suggestion_id"])


def _retag(db, stored, tables, targets, model, version: str, *, by: str, action: str) -> tuple[int, str]:
    """Write a new database whose unreviewed machine tags are the model's; returns how many changed, and its version."""
    suggestions = tables["suggestions"].copy()
    alternatives = tables[build.DERIVED_TABLE]
    changed = 0
    if len(targets):
        ranked_ids, probabilities = themes.predict_ranked(model, targets["text"], top=3)
        rows = suggestions["suggestion_id"].isin(targets["suggestion_id"])
        position = suggestions.loc[rows, "suggestion_id"].map(
            {suggestion_id: number for number, suggestion_id in enumerate(targets["suggestion_id"])}
        )
        suggestions.loc[rows, "theme_id"] = ranked_ids[position.to_numpy(), 0]
        suggestions.loc[rows, "confidence"] = probabilities[position.to_numpy(), 0]
        suggestions.loc[rows, "model_version"] = version
        changed = int((ranked_ids[:, 0] != targets["theme_id"].to_numpy()).sum())
        alternatives = pd.concat(
            [
                alternatives[~alternatives["suggestion_id"].isin(targets["suggestion_id"])],
                themes.ranked_frame(targets["suggestion_id"], ranked_ids, probabilities),
            ],
            ignore_index=True,
        )
    frames = {**tables, "suggestions": suggestions, build.DERIVED_TABLE: alternatives}
    data_version = hashlib.sha256(f"{stored['data_version']} {version}".encode()).hexdigest()[:16]
    build.write_database(
        frames,
        db,
        data_version=data_version,
        source=f"{RETRAIN_SOURCE} with {version}" if action == "retrain" else f"restore of model {version}",
        imports=importer.previous_imports(db),
        files={},
        imported_by=by,
        keep_backups=build.BACKUPS_KEPT,
    )
    return changed, data_version


def _record(outcome: Outcome, stored: dict, data_version: str, started: float, by: str, store_path) -> Outcome:
    store.append_run(
        {
            "action": outcome.action,
            "model_version": outcome.model_version,
            "previous_version": outcome.previous_version,
            "run_by": by,
            "run_at": datetime.now(UTC).replace(tzinfo=None),
            "before_f1": outcome.before_f1,
            "after_f1": outcome.after_f1,
            "retagged": outcome.retagged,
            "changed": outcome.changed,
            "data_version_before": stored["data_version"],
            "data_version_after": data_version,
        },
        store_path,
    )
    return dataclasses.replace(outcome, seconds=time.perf_counter() - started)
