"""The run's attendance matrix: people × sessions, with totals (django-tables2)."""

from __future__ import annotations

from dataclasses import dataclass

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .completion import Progress
from .models import ATTENDED_MARKS, Completion, Mark, Session


@dataclass(frozen=True)
class MatrixRow:
    progress: Progress
    completion: Completion | None

    @property
    def name(self) -> str:
        return str(self.progress.enrolment.person)


def session_heading(session: Session) -> str:
    local = timezone.localtime(session.starts_at)
    unit = f"{session.unit_number}" if session.unit_number else _("extra")
    return f"{unit} · {local:%d/%m}"


def cell_text(row: MatrixRow, session: Session) -> str:
    mark = row.progress.marks.get(session.pk)
    text = Mark(mark).label if mark else ""
    unit = next((u for u in row.progress.units if u.number == session.unit_number), None)
    if unit is not None and unit.state == "made_up" and mark not in ATTENDED_MARKS:
        text = f"{text} ({_('made up')})" if text else _("made up")
    elif unit is not None and unit.booked_on is not None and mark not in ATTENDED_MARKS:
        booked = _("to be made up %(date)s") % {"date": unit.booked_on.isoformat()}
        text = f"{text} ({booked})" if text else booked
    return str(text)


def completion_text(row: MatrixRow) -> str:
    if row.completion is None:
        return _("withdrawn") if row.progress.enrolment.is_withdrawn else ""
    text = row.completion.completed_on.isoformat()
    return f"{text} – {_('check')}" if row.completion.flagged else text


class SessionColumn(tables.Column):
    def __init__(self, session: Session, rows: list[MatrixRow], **kwargs):
        self.session = session
        attended = sum(1 for row in rows if row.progress.marks.get(session.pk) in ATTENDED_MARKS)
        footer = "–" if session.is_cancelled else str(attended)
        super().__init__(
            verbose_name=session_heading(session),
            empty_values=(),
            orderable=False,
            footer=footer,
            attrs={"th": {"class": "session-cancelled" if session.is_cancelled else "", "scope": "col"}},
            **kwargs,
        )

    def render(self, record: MatrixRow) -> str:
        mark = record.progress.marks.get(self.session.pk)
        return format_html(
            '<span class="mark mark--{}">{}</span>', mark or "none", cell_text(record, self.session)
        )

    def value(self, record: MatrixRow) -> str:
        return cell_text(record, self.session)


class AttendanceMatrixTable(tables.Table):
    name = tables.Column(
        verbose_name=gettext_lazy("Participant"),
        empty_values=(),
        footer=pgettext_lazy("matrix footer: people present", "Attended"),
        attrs={"th": {"scope": "col"}, "td": {"class": "matrix-name"}},
    )
    done = tables.Column(
        verbose_name=gettext_lazy("Units done"),
        empty_values=(),
        orderable=False,
        attrs={"th": {"scope": "col"}},
    )
    completed = tables.Column(
        verbose_name=gettext_lazy("Completed"),
        empty_values=(),
        orderable=False,
        attrs={"th": {"scope": "col"}},
    )

    class Meta:
        attrs = {"class": "listing attendance-matrix"}
        orderable = False
        #: Django-tables2's table with a caption; the name column sticks (courses/admin.css).
        template_name = "jour_courses/admin/matrix_table.html"

    def __init__(self, rows: list[MatrixRow], sessions: list[Session], **kwargs):
        extra = [(f"session_{s.pk}", SessionColumn(s, rows)) for s in sessions]
        super().__init__(
            rows, extra_columns=extra, sequence=["name", *[n for n, _c in extra], "done", "completed"]
        )

    def render_name(self, record: MatrixRow) -> str:
        if record.progress.enrolment.is_withdrawn:
            return f"{record.name} ({_('withdrawn')})"
        return record.name

    def value_name(self, record: MatrixRow) -> str:
        return record.name

    def render_done(self, record: MatrixRow) -> str:
        return f"{record.progress.done} / {record.progress.required}"

    def render_completed(self, record: MatrixRow) -> str:
        return completion_text(record)
