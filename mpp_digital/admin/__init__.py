"""The back office: MPP managers run their hall, national admins the national catalogue.

Owns no models. Each area is a module with a nested blueprint under views.bp (`admin.hall.*`,
`admin.offerings.*`, …); operations.py makes each change across the domains it touches and
writes its audit row; pages.py is the one POST skeleton; access.py decides who may reach what,
and reports/ uses the same checks. Every write is scoped to the user's hall, audited with the
values before and after, and CSRF-protected (Flask-WTF).
"""
