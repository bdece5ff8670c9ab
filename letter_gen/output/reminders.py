"""The documents written from the register's tracked items, not from input files (issue 15):
``letter-gen batch --kind reminder --as-of`` (công văn đôn đốc) and ``letter-gen track report``
(báo cáo kết quả khắc phục).

Both go through the one letter-writing path (numbered, checked, written atomically, listed in
the manifest, PDFs with ``--pdf``), each with its kind's bundled template. Issuing a reminder
records, in the same transaction, the items it covered and the new deadline it set. Run again
on the same day, the same documents are found with the same content and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

from letter_gen.errors import MissingRegisterError, UsageError
from letter_gen.i18n import _
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import LetterContent
from letter_gen.output.batch import BatchOptions, BatchSummary, write_documents
from letter_gen.output.folder import FolderLock
from letter_gen.output.writer import LetterJob
from letter_gen.register.issuing import letter_key
from letter_gen.register.store import Register
from letter_gen.register.where import locate
from letter_gen.tracking.items import PeriodLike
from letter_gen.tracking.reminders import Reminder, record_reminder, reminders_due
from letter_gen.tracking.report import ReportDocument, report_documents


def run_reminders(options: BatchOptions, as_of: dt.date, *, new_deadline: dt.date | None = None) -> BatchSummary:
    """Write the reminders due on ``as_of`` into ``options.out_dir`` (numbered with ``options.issue``)."""
    started = time.perf_counter()
    if new_deadline is not None and new_deadline <= as_of:
        raise UsageError(_("--new-deadline {new}: the new deadline must come after --as-of {as_of}").format(
            new=f"{new_deadline:%d/%m/%Y}", as_of=f"{as_of:%d/%m/%Y}"))
    with FolderLock(options.out_dir), _tracking_register(options) as register:
        reminders = reminders_due(register, as_of, new_deadline=new_deadline)
        by_unit = {r.unit: r for r in reminders}
        template = options.template or template_path("reminder")
        jobs = [LetterJob(Path(f"{r.source_stem}.reminder"), r.round_, r.content(), template) for r in reminders]

        def on_issued(conn: sqlite3.Connection, letters: list[tuple[LetterJob, LetterContent]]) -> None:
            for job, content in letters:
                reminder: Reminder = by_unit[content.unit or ""]
                record_reminder(conn, reminder, content, letter_key(job.source.name, job.round_, content))

        summary = write_documents(options, register, jobs, on_issued)
    summary.inputs_read = len(reminders)
    summary.seconds = time.perf_counter() - started
    return summary


def run_report(options: BatchOptions, period: PeriodLike, as_of: dt.date, *,
               recipient: str | None = None) -> tuple[BatchSummary, list[ReportDocument]]:
    """Write the báo cáo on the items asked in ``period``, as they stand on ``as_of`` (one per
    agency) into ``options.out_dir``; the summary and the reports written."""
    started = time.perf_counter()
    with _tracking_register(options) as register:
        documents = report_documents(register, period=period, as_of=as_of, recipient=recipient)
        if not documents:  # said before any folder is made
            raise UsageError(_("no item was asked in the period {period}: there is nothing to report").format(
                period=getattr(period, "text", period)))
        template = options.template or template_path("report")
        stem = f"khac-phuc-{getattr(period, 'text', 'ky')}-{as_of.isoformat()}".lower()
        jobs = [LetterJob(Path(f"{stem}.report"), d.round_, d.content, template) for d in documents]
        with FolderLock(options.out_dir):
            summary = write_documents(options, register, jobs, lambda conn, letters: None)
    summary.inputs_read = len(documents)
    summary.seconds = time.perf_counter() - started
    return summary, documents


def _tracking_register(options: BatchOptions) -> Register:
    path = options.register_path or locate(None).path
    if not path.exists():
        raise MissingRegisterError(_("{path}: no register yet, so nothing is tracked: issue the follow-up letters first").format(
            path=path))
    return Register(path)
