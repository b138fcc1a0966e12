"""Data: what is loaded and how complete it is, and loading the team's own data safely (dry run first, then import)."""

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import (
    auth,
    build,
    config,
    data,
    disclosure,
    exports,
    filters,
    layout,
    plaintext,
    retraining,
    store,
    themes,
)
from dashboard.ingest import comparison, importer
from dashboard.ingest.reading import MAX_UPLOAD_MB, Upload
from dashboard.review import decisions, health

SHARED_FILTERS = ["theme", "nation", "location", "department", "date"]
PLAN_KEY = "data_plan"
CHANGES_KEY = "data_plan_changes"
DONE_KEY = "data_import_done"
ROUND_KEY = "data_upload_round"


def render() -> None:
    """The whole page; an access check (admins only) goes in front of this call."""
    layout.header("Data", "What data is loaded, how complete it is, and how to load the team's own data safely.")
    layout.filter_caption(filters.current(), ignored=SHARED_FILTERS)
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(plaintext.markdown(done), icon=":material/check_circle:")
    loaded_data()
    layout.rest_follows()
    upload_and_import()
    classifier()
    taxonomy_health()
    import_history()


def taxonomy_health() -> None:
    """The taxonomy's health checks: themes too small, labels too alike, themes reviewers confuse."""
    st.header("Taxonomy health")
    labels = data.query("theme_options").set_index("theme_id")["label"].to_dict()
    findings = (
        health.small_themes(data.query("theme_health"))
        + health.similar_labels(labels)
        + health.confused_themes(data.query("review_agreement"), labels)
    )
    st.caption(
        "Each theme should hold at least 5 suggestions (or 0.1% of them, if more); no two labels should read alike; "
        f"and no two themes should be ones reviewers often move tags between (at least {health.CONFUSED_TAGS} tags and "
        f"{health.CONFUSED_SHARE:.0%} of the checked tags in either)."
    )
    if not findings:
        st.success("Every theme passes.", icon=":material/task_alt:")
    else:
        with st.container(border=True):
            st.markdown(f"**{len(findings)} to look at**")
            for finding in findings:
                # st.text, not Markdown: labels come from imported files, and must never become markup or links.
                st.text(f"• {finding}")


def classifier() -> None:
    """Retrain the theme classifier from the team's decisions, or go back to an earlier model."""
    st.header("The theme classifier")
    st.caption(
        "Retraining learns from every hand-coded theme and every review decision that applies, then re-tags only the "
        "machine tags nobody has reviewed: a hand-coded theme or a reviewer's is never changed. The previous model is "
        "kept, so it can be restored."
    )
    versions = data.query("classifier_versions")
    if len(versions):
        st.text(
            "Machine tags now: "
            + "; ".join(f"{row.machine_tags:,} by model {row.model_version}" for row in versions.itertuples())
            + "."
        )
    retrain_column, restore_column = st.columns(2)
    log = retraining.runs()
    try:
        if retrain_column.button(
            "Retrain from the team's decisions", key="data_retrain", icon=":material/model_training:"
        ):
            with st.spinner("Retraining: scoring both models on the same folds, then re-tagging…"):
                outcome = retraining.retrain(config.db_path(), by=current_user())
            st.session_state[DONE_KEY] = outcome.sentence()
            st.rerun()
        if restore_column.button(
            "Restore the previous model", key="data_restore_model", disabled=log.empty, icon=":material/undo:"
        ):
            with st.spinner("Re-tagging with the previous model…"):
                outcome = retraining.restore(config.db_path(), by=current_user())
            st.session_state[DONE_KEY] = outcome.sentence()
            st.rerun()
    except (retraining.RetrainError, importer.ImportBusy, store.StoreBusy) as refused:
        st.error(str(refused), icon=":material/error:")
    if len(log):
        table = retraining.runs_table(log)
        layout.table(table)
        layout.downloads(table, "Classifier retrains", filters.current(), key="data_retrain_download")


def loaded_data() -> None:
    """The data date, source, row counts and data-quality figures of the current database."""
    info = data.build_info()
    quality = data.query_one("data_quality", review_below=themes.REVIEW_THRESHOLD)
    st.header("Loaded data")
    layout.kpi_row(
        [
            ("Data as of", f"{data.as_date(info['data_date']):%-d %b %Y}"),
            ("Suggestions", f"{quality['suggestions']:,}"),
            ("Members", disclosure.format_count(quality["members"])),
            ("Imports recorded", f"{len(data.query('imports_history')):,}"),
        ]
    )
    source = "the illustrative sample data" if info["source"] == build.BUNDLED_SOURCE else info["source"]
    st.caption(f"Loaded {pd.Timestamp(info['built_at']):%-d %B %Y at %H:%M} from {plaintext.markdown(source)}.")
    st.header("Data quality")
    layout.kpi_row(
        [
            ("Untagged suggestions", f"{quality['untagged_suggestions']:,}"),
            ("Auto-tagged suggestions", f"{quality['auto_tagged_suggestions']:,}"),
            ("Auto-tagged, needing review", f"{quality['auto_tagged_needing_review']:,}"),
            # Exact, not suppressed: this admin page is for fixing the data, and "[c]" cannot be acted on.
            ("Members without a department", f"{quality['members_without_department']:,}"),
        ]
    )
    st.caption(
        f"An auto-tagged suggestion needs review when the classifier's confidence is below "
        f"{themes.REVIEW_THRESHOLD:.0%}. Untagged suggestions have no theme because the data held no hand-tagged "
        "examples to learn from. The data contract requires each member's department and an import refuses a blank "
        "one, so members without a department is a check that reads 0."
    )
    counts = data.query("data_row_counts").rename(columns={"table_name": "Table", "row_count": "Rows"})
    with st.expander("Rows in each table"):
        layout.table(counts, column_config={"Rows": st.column_config.NumberColumn(format="localized")})


def upload_and_import() -> None:
    """Upload files, see the dry run's report, and import only when every check passes."""
    st.header("Load new data")
    st.markdown(
        "Upload the contract's CSV files (named after their tables, for example `members.csv`) or one Excel workbook "
        "with a sheet per table. Tables you leave out keep their current rows. Nothing is loaded until every check "
        f"passes and you press **Import**. Files up to {MAX_UPLOAD_MB} MB."
    )
    files = st.file_uploader(
        "CSV files or an Excel workbook",
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        # A new key after each import empties the uploader, so the same files are not offered for import again.
        key=f"data_upload_{st.session_state.get(ROUND_KEY, 0)}",
        max_upload_size=MAX_UPLOAD_MB,
    )
    if not files:
        st.session_state.pop(PLAN_KEY, None)
        return
    uploads = [Upload(file.name, file.getvalue()) for file in files]
    plan = dry_run(uploads)
    errors = plan.errors
    if errors:
        files_with_errors = len({problem.file for problem in errors})
        st.error(
            f"Dry run: {len(errors):,} problem{'s' if len(errors) != 1 else ''} in {files_with_errors} "
            f"file{'s' if files_with_errors != 1 else ''}. Nothing has been imported: fix them and upload again.",
            icon=":material/error:",
        )
    else:
        st.success("Dry run: every check passed. Review what will change, then import.", icon=":material/task_alt:")
    st.markdown("**What the import would do**")
    counts = {name: st.column_config.NumberColumn(format="localized") for name in ["rows now", "rows after"]}
    st.dataframe(importer.summary_frame(plan), hide_index=True, column_config=counts)
    if plan.problems:
        validation_report(plan, uploads)
    confirmed = True
    if plan.ok:
        changes = planned_changes(plan)
        change_preview(changes)
        confirmed = large_change_confirmation(changes)
    if st.button(
        "Import", type="primary", disabled=not (plan.ok and confirmed), key="data_import", icon=":material/upload:"
    ):
        run_import(plan, allow_large_changes=confirmed)


def planned_changes(plan: importer.Plan) -> dict[str, comparison.TableChange]:
    """The rows each table would gain, lose and change, worked out once per dry run."""
    cached = st.session_state.get(CHANGES_KEY)
    if cached and cached[0] is plan:
        return cached[1]
    changes = comparison.compare(importer.current_tables(config.db_path()), plan.frames())
    st.session_state[CHANGES_KEY] = (plan, changes)
    return changes


def change_preview(changes: dict[str, comparison.TableChange]) -> None:
    """Row by row, what each table gains, loses and changes, matched by its key."""
    st.markdown("**Row by row: what each table would gain, lose and change**")
    summary = comparison.summary(changes)
    localized = st.column_config.NumberColumn(format="localized")
    st.dataframe(summary, hide_index=True, column_config=dict.fromkeys(summary.columns[1:], localized))
    for change in changes.values():
        kinds = [(kind, getattr(change, kind)) for kind in ("added", "removed", "changed")]
        if not any(len(rows) for _, rows in kinds):
            continue
        with st.expander(
            f"{change.table}: {len(change.added):,} added, {len(change.removed):,} removed, "
            f"{len(change.changed):,} changed"
        ):
            for kind, rows in kinds:
                if len(rows):
                    shown = comparison.preview(change, kind)
                    more = f" (the first {len(shown):,})" if len(shown) < len(rows) else ""
                    st.caption(f"{kind.capitalize()}: {len(rows):,} rows{more}")
                    # Imported values, shown in a table: never markdown.
                    st.dataframe(shown, hide_index=True, key=f"data_preview_{change.table}_{kind}")


def large_change_confirmation(changes: dict[str, comparison.TableChange]) -> bool:
    """Warn about a large removal or change and ask for the typed phrase; True when none, or when it was typed."""
    try:
        large = comparison.large_changes(changes)
    except ValueError as error:  # GSE_IMPORT_REMOVAL_LIMIT is not a share: no import until it is fixed
        st.error(f"{error}. Nothing can be imported until the setting is fixed.", icon=":material/error:")
        return False
    if not large:
        return True
    phrase = comparison.confirmation_phrase(changes)
    st.warning(
        "This import would remove or change much of the data:\n\n"
        + "\n".join(f"- {sentence}" for sentence in large)
        + "\n\nCheck the files. The current data is kept as a backup, but pages show the new data as soon as it "
        "is imported.",
        icon=":material/warning:",
    )
    typed = st.text_input(f"To import anyway, type: {phrase}", key="data_confirm_large", placeholder=phrase)
    return typed.strip() == phrase


def dry_run(uploads: list[Upload]) -> importer.Plan:
    """Validate the uploads against the contract and the current database, once per set of files and database file."""
    path = config.db_path()
    status = path.stat()
    digest = hashlib.sha256()
    for upload in uploads:
        digest.update(upload.name.encode() + b"\0" + upload.sha256.encode())
    key = (digest.hexdigest(), str(path), status.st_ino, status.st_mtime_ns)
    cached = st.session_state.get(PLAN_KEY)
    if cached and cached[0] == key:
        return cached[1]
    source = uploads[0].name if len(uploads) == 1 else ", ".join(upload.name for upload in uploads)
    plan = importer.plan_import(uploads, path, source=source)
    st.session_state[PLAN_KEY] = (key, plan)
    return plan


def validation_report(plan: importer.Plan, uploads: list[Upload]) -> None:
    """The problems and notes as a table to filter and download."""
    report = importer.report_frame(plan.problems)
    st.markdown("**Validation report**")
    left, middle, right = st.columns([1, 2, 2])
    severities = left.multiselect("Show", ["error", "note"], default=["error", "note"], key="data_report_severity")
    chosen_files = middle.multiselect("Files", sorted(report["file"].unique()), key="data_report_files")
    search = right.text_input("Search problems and values", key="data_report_search")
    shown = report[report["severity"].isin(severities)]
    if chosen_files:
        shown = shown[shown["file"].isin(chosen_files)]
    if search:
        needle = search.strip().lower()
        text = shown["problem"].fillna("") + " " + shown["value"].fillna("") + " " + shown["column"].fillna("")
        shown = shown[text.str.lower().str.contains(needle, regex=False)]
    with st.expander("Problems grouped by file, column and kind"):
        st.dataframe(importer.problem_groups(shown), hide_index=True)
    st.dataframe(shown, hide_index=True)
    st.caption(
        f"{len(shown):,} of {len(report):,} rows. Rows are numbered as a spreadsheet numbers them: the header is row 1."
    )
    uploaded = f"Uploaded files: {', '.join(upload.name for upload in uploads)}"
    shown_filter = report_filter_text(severities, chosen_files, search)
    report_downloads(shown, f"{uploaded}. Shown: {shown_filter}", "shown", f"the {len(shown):,} rows shown")
    if len(shown) != len(report):
        report_downloads(
            report, f"{uploaded}. Every problem and note", "full", f"the full report ({len(report):,} rows)"
        )


def report_filter_text(severities: list[str], chosen_files: list[str], search: str) -> str:
    """The report table's filter in words, for the download's Filters line."""
    parts = [f"severity {' or '.join(severities) or 'none'}"]
    if chosen_files:
        parts.append(f"files {', '.join(chosen_files)}")
    if search.strip():
        parts.append(f"matching '{search.strip()}'")
    return "; ".join(parts)


def report_downloads(frame: pd.DataFrame, filters_text: str, name: str, label: str) -> None:
    """CSV, XLSX and ODS download buttons for one view of the validation report."""
    context = exports.Context(
        title=f"Validation report {name}",
        filters=filters_text,
        data_date=date.today(),
        status="A validation report on uploaded files, made before any import; not data of the profession.",
        source="GSE Insight's import checks (dashboard/ingest/contract.py) on the files named in Filters.",
    )
    layout.download_buttons(frame, context, f"data_report_{name}", label=label)


def run_import(plan: importer.Plan, *, allow_large_changes: bool = False) -> None:
    """Write the new database and swap it in; pages see it on their next run."""
    path = config.db_path()
    try:
        with st.spinner("Importing: retraining the theme classifier and writing the new database…"):
            counts = importer.apply_import(
                plan, path, imported_by=current_user(), allow_large_changes=allow_large_changes
            )
    except comparison.LargeChange as error:
        st.error(
            plaintext.markdown(f"Nothing was imported; the current database is unchanged. {error}"),
            icon=":material/error:",
        )
        return
    except importer.WRITE_FAILURES as error:
        st.error(
            plaintext.markdown(importer.failure_line(path, error, version_before=plan.based_on)),
            icon=":material/error:",
        )
        return
    st.session_state.pop(PLAN_KEY, None)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    reviewed = decisions.import_report(path)
    st.session_state[DONE_KEY] = f"Imported {sum(counts.values()):,} rows from {plan.source}." + (
        f" {reviewed}" if reviewed else ""
    )
    st.rerun()


def current_user() -> str:
    """Who is importing, for the history: the signed-in address, or `local` when sign-in is off."""
    user = st.user
    if getattr(user, "is_logged_in", False) and user.get("email"):
        return str(user.get("email"))
    # Without sign-in only someone on this machine can reach the page (README "Access"); the account running the
    # server (often root) would say nothing about who that was.
    return "local"


def import_history() -> None:
    """Every import into the current database, newest first."""
    st.header("Import history")
    history = importer.history_table(data.query("imports_history"))
    layout.table(history, column_config={"Rows": st.column_config.NumberColumn(format="localized")})
    restore_section()


def restore_section() -> None:
    """The kept earlier versions, and restoring one (the current data becomes a backup in its turn)."""
    st.header("Restore an earlier version")
    path = config.db_path()
    kept = build.backups(path)
    if not kept:
        st.caption("No earlier versions are kept yet: each import keeps the version it replaces.")
        return
    layout.table(backup_table(kept))
    name = st.selectbox("Version to restore", [backup.name for backup in kept], key="data_restore_choice")
    sure = st.checkbox(
        "Replace the current data with this version (the current data is kept as a backup)", key="data_restore_sure"
    )
    if st.button("Restore", disabled=not sure, key="data_restore", icon=":material/history:"):
        run_restore(name)
    st.caption(
        "On the server, `python -m dashboard.ingest --list-backups` and `--restore [BACKUP]` do the same. "
        f"The last {build.BACKUPS_KEPT} versions are kept."
    )


def backup_table(kept) -> pd.DataFrame:
    """One row per kept version: its file, when it was replaced, where its data came from."""
    rows = []
    for backup in kept:
        stored = build.stored_build(backup)
        source = stored["source"] if stored else "unreadable"
        rows.append(
            {
                "version": backup.name,
                "kept since": pd.Timestamp(backup.stat().st_mtime, unit="s").floor("s") if backup.exists() else None,
                "data": "the illustrative sample data" if source == build.BUNDLED_SOURCE else source,
            }
        )
    return pd.DataFrame(rows)


def run_restore(name: str) -> None:
    """Restore a kept version; a missing or unreadable file is said plainly and the live database is left as it was."""
    path = config.db_path()
    backup = build.backups_folder(path) / name
    if not backup.is_file():
        st.error(
            f"The file of {name} is missing from {build.backups_folder(path).name}, so it cannot be restored. "
            "Nothing was restored; the current database is unchanged.",
            icon=":material/error:",
        )
        return
    stored = build.stored_build(path)
    try:
        with st.spinner(f"Restoring {name}…"):
            counts = importer.restore(backup, path, restored_by=current_user())
    except ValueError:
        st.error(
            f"{name} is not a readable GSE Insight database, so it cannot be restored. Nothing was restored; the "
            "current database is unchanged.",
            icon=":material/error:",
        )
        return
    except importer.WRITE_FAILURES as error:
        version = stored["data_version"] if stored else None
        st.error(importer.failure_line(path, error, version_before=version), icon=":material/error:")
        return
    st.session_state.pop(PLAN_KEY, None)
    st.session_state[DONE_KEY] = f"Restored {name}: {sum(counts.values()):,} rows."
    st.rerun()


auth.require_admin()
render()
