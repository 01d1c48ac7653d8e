"""Every write about institutions, one module per family of use cases: ``applications``
(applications and staff review), ``members`` (invitations and roles) and ``contracts``
(commission contracts). Callers import the module: ``from institutions.services import members``."""
