"""``letter-gen batch --kind reminder``: the reminders (công văn đôn đốc) due on a day.

The reminders come from the register's tracked items, not from input files: one per unit with
open items past their deadline. They go through the one letter-writing path (numbered,
checked, written atomically, listed in the manifest); issuing one records, in the same
transaction, the items it covered and the new deadline it set. Run again on the same day, the
same reminders are found with the same content and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

from letter_gen.errors import UsageError
from letter_gen.letters.bundled import template_path
from letter_gen.letters.compose import LetterContent
from letter_gen.output.batch import BatchOptions, BatchSummary, _count, _file_name, _manifest_row, _write_options
from letter_gen.output.folder import FolderLock
from letter_gen.output.manifest import Manifest, read_manifest
from letter_gen.output.writer import LetterJob, LetterWriter
from letter_gen.register.issuing import letter_key
from letter_gen.register.store import Register
from letter_gen.register.where import locate
from letter_gen.tracking.reminders import Reminder, record_reminder, reminders_due

#: The bundled template reminders are written with until the ``reminder`` kind's own (issue 13)
#: lands: a reminder is a công văn, laid out as the follow-up letter is.
REMINDER_TEMPLATE = "follow-up"


def run_reminders(options: BatchOptions, as_of: dt.date, *, new_deadline: dt.date | None = None) -> BatchSummary:
    """Write the reminders due on ``as_of`` into ``options.out_dir`` (numbered with ``options.issue``)."""
    started = time.perf_counter()
    summary = BatchSummary()
    if new_deadline is not None and new_deadline <= as_of:
        raise UsageError(f"--new-deadline {new_deadline:%d/%m/%Y}: the new deadline must come after --as-of {as_of:%d/%m/%Y}")
    path = options.register_path or locate(None).path
    if not path.exists():
        raise UsageError(f"{path}: no register yet, so nothing is tracked: issue the follow-up letters first")
    with FolderLock(options.out_dir), Register(path) as register:
        reminders = reminders_due(register, as_of, new_deadline=new_deadline)
        by_unit = {r.unit: r for r in reminders}
        template = options.template or template_path(REMINDER_TEMPLATE)
        jobs = [LetterJob(Path(f"{r.source_stem}.reminder"), r.round_, r.content(), template) for r in reminders]

        def on_issued(conn: sqlite3.Connection, letters: list[tuple[LetterJob, LetterContent]]) -> None:
            for job, content in letters:
                reminder: Reminder = by_unit[content.unit or ""]
                record_reminder(conn, reminder, content, letter_key(job.source.name, job.round_, content))

        writer = LetterWriter(_write_options(replace(options, check_all=True)), register if options.issue else None,
                              on_issued=on_issued)
        names: set[str] = set()
        earlier = read_manifest(options.out_dir)
        with Manifest(options.out_dir, earlier) as manifest:
            for outcome in writer.write(jobs, lambda job, content: options.out_dir / _file_name(content, job.source, names)):
                _count(outcome, summary, None)
                if outcome.status != "failed":
                    manifest.add(_manifest_row(outcome, options.out_dir))
            os.sync()
    summary.inputs_read = len(reminders)
    summary.seconds = time.perf_counter() - started
    return summary
