"""The audit trail of actions: every change to an action, its owners, target dates and updates.

Registered from ActionsConfig.ready(); see minutes/audit.py.
"""

from actions.models import Action, ActionUpdate, TargetDate
from minutes.audit import register


def register_actions_history():
    register(Action, m2m_fields=["owner_organisations", "owner_people"])
    register(TargetDate)
    register(ActionUpdate)
