"""Every query the services run, as small functions named for what they fetch or change.

One module per table or concern (``learners``, ``deliveries``, ``answers``, ``teams``,
``challenges``, ``announcements``, ``personal_data``). Each function takes the session or
connection of the caller's transaction: services decide where a transaction begins and
ends, these functions only say what to read or write inside it. Looking a row up by its
primary key stays ``session.get``; everything else is here, not inline in a service.
"""
