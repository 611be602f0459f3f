"""The booking as an .ics event, in the MPP's own time zone."""
from datetime import timezone

from icalendar import Calendar, Event

from ..clock import to_local


def appointment_ics(appointment):
    offering = appointment.offering
    mpp = offering.mpp
    calendar = Calendar()
    calendar.add("prodid", "-//MPP Digital//janji//ID")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{appointment.code}@mpp-digital")
    event.add("summary", f"{appointment.service.name} – {mpp.name}")
    event.add("dtstart", to_local(mpp, appointment.slot.starts_at))
    event.add("dtend", to_local(mpp, appointment.slot.ends_at))
    event.add("dtstamp", appointment.created_at.replace(tzinfo=timezone.utc))
    event.add("location", f"{mpp.name}, {mpp.address}")
    event.add("description", f"Kode janji: {appointment.code}\n"
              "Bawa KTP-el asli dan persyaratan layanan.")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
