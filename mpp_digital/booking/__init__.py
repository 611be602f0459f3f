"""Bookable slots materialised from schedules, and appointments: a seat is taken by one guarded
update, per-NIK limits are partial unique indexes, and the NIK is kept only as a keyed hash and
its last 4 digits."""
