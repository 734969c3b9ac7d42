from safeguarding.models.assessment import Assessment, FactorAnswer
from safeguarding.models.child_protection import (
    StrategyDiscussion,
    StrategyDiscussionChild,
    StrategyStatus,
)
from safeguarding.models.flag import Flag, FlagKind
from safeguarding.models.levels import LEVEL_RANK, SHARED_LEVEL_DEFINITIONS, SharedLevel
from safeguarding.models.queue import ActionTarget, CasePriority, FirstAction
from safeguarding.models.scale import RiskScale, RiskScaleLevel

__all__ = [
    "LEVEL_RANK",
    "SHARED_LEVEL_DEFINITIONS",
    "ActionTarget",
    "Assessment",
    "CasePriority",
    "FactorAnswer",
    "FirstAction",
    "Flag",
    "FlagKind",
    "RiskScale",
    "RiskScaleLevel",
    "SharedLevel",
    "StrategyDiscussion",
    "StrategyDiscussionChild",
    "StrategyStatus",
]
