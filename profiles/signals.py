"""Signals other apps listen to. They may only schedule work (STYLE.md #4).

``profile_changed`` is sent after anything that matching reads changes
(role, skills, goals, languages, time zone, availability, capacity,
accepting...), only ever by ``profiles.services.profile_changed_notify``
(on commit); nothing else calls ``send``. ``matching`` connects a receiver that
queues an incremental re-score of that person on commit, debounced.
"""

from django.dispatch import Signal

# Sent with: user_id (int).
profile_changed = Signal()

# Sent with: user_id (int), request, after a person downloaded their data
# ("Your data"). ``safety`` records it in the audit log.
personal_data_exported = Signal()

# Sent with: user_id (int), request, after an account was deleted (the row
# is gone by then). ``safety`` records it in the audit log.
account_deleted = Signal()
