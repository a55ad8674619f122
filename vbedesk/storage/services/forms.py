"""Filled-in PDF forms read into incidents, each file once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from vbedesk.changes import Area
from vbedesk.errors import InputRefused
from vbedesk.formimport import (
    MAX_FORM_BYTES,
    FormImportResult,
    FormReading,
    Imported,
    NeedsReview,
    Ready,
    Rejected,
    Skipped,
    content_hash,
    incident_from_reading,
)
from vbedesk.storage import audit
from vbedesk.storage.services.base import AreaService
from vbedesk.storage.services.rows import fill_row, row_to_incident
from vbedesk.storage.tables import (
    ImportedFileRow,
    IncidentRow,
)
from vbedesk.storage.vault import now_utc
from vbedesk.taxonomy import Taxonomies


class FormImportService(AreaService):
    """Filled-in PDF forms read into incidents, each file once."""

    AREAS = (Area.INCIDENTS,)

    def _already_imported(self, sha: str, filename: str) -> Skipped | None:
        with self._read() as s:
            row = s.scalar(select(ImportedFileRow).where(ImportedFileRow.sha256 == sha))
            if row is None:
                return None
            return Skipped(filename, sha, row.incident_id, row.imported_at)

    def import_form(
        self,
        data: bytes,
        filename: str,
        *,
        reader: Callable[[bytes, Taxonomies, str], FormReading],
        accept_findings: bool = False,
        dry_run: bool = False,
    ) -> FormImportResult:
        """One filled-in PDF form: skipped, rejected, held for review, or saved.

        ``reader`` parses the PDF (``vbedesk.reports.form.read_filled_form``; storage does not
        import reports). Only an imported form changes the vault: the incident, the file's
        content hash and an audit row, in one transaction. Blocking identifier findings
        hold the form for review (nothing saved) unless ``accept_findings``. A ``dry_run``
        saves nothing and answers ``Ready`` where it would have imported (the program shows
        every file for review first).
        """
        name = filename[:255]
        if len(data) <= MAX_FORM_BYTES:
            skipped = self._already_imported(content_hash(data), name)
            if skipped is not None:
                return skipped
        reading = reader(data, self.taxonomies, name)
        checked = incident_from_reading(reading, self.taxonomies, name)
        if isinstance(checked, Rejected):
            return checked
        try:
            incident = self._svc.incidents.prepare(checked, self._svc.settings().retention_years)
        except InputRefused as exc:
            return Rejected(name, "invalid", dict(exc.params), exc.message, reading.sha256)
        findings = tuple(self._svc.incidents.scan(incident))
        blocking = any(finding.blocking for _field, finding in findings)
        if blocking and not accept_findings:
            return NeedsReview(name, reading.sha256, incident, findings)
        if dry_run:
            return Ready(name, reading.sha256, incident, findings)
        stamp = now_utc()
        with self._write() as s:
            done = s.scalar(select(ImportedFileRow).where(ImportedFileRow.sha256 == reading.sha256))
            if done is not None:  # imported meanwhile by another window of this process
                return Skipped(name, reading.sha256, done.incident_id, done.imported_at)
            row = IncidentRow(created_at=stamp, updated_at=stamp)
            fill_row(row, incident)
            s.add(row)
            s.flush()
            s.add(
                ImportedFileRow(
                    sha256=reading.sha256, filename=name, imported_at=stamp, incident_id=row.id
                )
            )
            detail = "form,accepted-findings" if blocking else "form"
            audit.append(s, "incident.import", "incident", row.id, detail)
            stored = row_to_incident(row)
        return Imported(name, reading.sha256, stored, findings)
