"""Staff accounts, roles and the audit log; the hall's enrolled devices (kiosks) and the API's
partner clients. Stands alone: it imports no other domain."""
