"""Policies: what the agent asks before each call, and what the router asks per decision.

- :mod:`edgeagent.policy.base`: the two protocols (:class:`CallPolicy`,
  :class:`RoutingPolicy`), :class:`Verdict`, and the simple call policies.
- :mod:`edgeagent.policy.declarative`: the YAML policy format and the policy that follows it.
- The shipped policy files live in the ``edgeagent_policies`` package (``policies/``).
"""

from edgeagent.policy.base import (
    AllowAll,
    CallPolicy,
    ConfirmTools,
    OfflineVerdict,
    Policy,
    RoutingLimits,
    RoutingPolicy,
    Verdict,
    routing_of,
)
from edgeagent.policy.declarative import (
    DeclarativePolicy,
    PolicyConfig,
    load_policy_file,
    save_policy_file,
)

__all__ = [
    "AllowAll",
    "CallPolicy",
    "ConfirmTools",
    "DeclarativePolicy",
    "OfflineVerdict",
    "Policy",
    "PolicyConfig",
    "RoutingLimits",
    "RoutingPolicy",
    "Verdict",
    "load_policy_file",
    "routing_of",
    "save_policy_file",
]
