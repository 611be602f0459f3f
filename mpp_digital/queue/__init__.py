"""The hall's queues: gapless ticket numbers per queue and day, check-in of bookings, the clerk's
console (one ticket, one counter: a guarded claim), the board and the citizen's ticket page."""
