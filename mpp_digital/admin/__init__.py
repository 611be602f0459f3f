"""The back office: MPP managers run their hall, national admins the national catalogue.

Owns no models. Every write is scoped to the user's hall, audited with the values before and
after, and CSRF-protected (Flask-WTF).
"""
