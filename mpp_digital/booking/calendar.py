"""A booking, or a visit's steps, as .ics events in the MPP's own time zone."""
from datetime import timezone
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

from ..clock import to_local


def _event(appointment, mpp, code_line):
    event = Event()
    event.add("uid", f"{appointment.code}@mpp-digital")
    event.add("summary", f"{appointment.service.name} – {mpp.name}")
    event.add("dtstart", to_local(mpp, appointment.slot.starts_at))
    event.add("dtend", to_local(mpp, appointment.slot.ends_at))
    event.add("dtstamp", appointment.created_at.replace(tzinfo=timezone.utc))
    event.add("location", f"{mpp.name}, {mpp.address}")
    event.add("description", f"{code_line}\nBawa KTP-el asli dan persyaratan layanan.")
    return event


def _calendar(events):
    calendar = Calendar()
    calendar.add("prodid", "-//MPP Digital//janji//ID")
    calendar.add("version", "2.0")
    for event in events:
        calendar.add_component(event)
    for tzid in sorted(calendar.get_missing_tzids()):
        calendar.subcomponents.insert(0, _vtimezone(tzid))
    return calendar.to_ical()


@lru_cache(maxsize=None)
def _vtimezone(tzid):
    """The VTIMEZONE of a zone, computed once per process: icalendar derives it by stepping
    through decades of offsets (60 ms, more than the rest of a booking), and the halls' few
    zones never change while a process runs. Shared read-only by every calendar."""
    return Timezone.from_tzid(tzid)


def appointment_ics(appointment):
    return _calendar([_event(appointment, appointment.offering.mpp,
                             f"Kode janji: {appointment.code}")])


def visit_ics(visit, steps):
    """One event per step still to come, each with the visit's code."""
    return _calendar([_event(step, visit.mpp, f"Kode kunjungan: {visit.code}")
                      for step in steps])
