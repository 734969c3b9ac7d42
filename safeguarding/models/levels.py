from django.db import models


class SharedLevel(models.TextChoices):
    """The one language of risk every agency shares (the report's Recommendation 3)."""

    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    # Too little is known to judge. Never treated, shown or counted as low.
    UNKNOWN = "unknown", "Unknown"


SHARED_LEVEL_DEFINITIONS: dict[str, str] = {
    SharedLevel.CRITICAL: (
        "A child is, or children are, at risk of serious harm now: act the same working day."
    ),
    SharedLevel.HIGH: (
        "Serious harm is likely without prompt action, including serious online harm "
        "such as coercion, sextortion or live-streamed abuse."
    ),
    SharedLevel.MEDIUM: "Harm is possible; act within the normal course of work.",
    SharedLevel.LOW: ("Enough is known to judge the risk of harm low. Not the same as unknown."),
    SharedLevel.UNKNOWN: (
        "Too little is known to judge. Find out more: unknown is never treated as low."
    ),
}

# Used to order the queue after its due date: unknown sits with high, never with low.
LEVEL_RANK: dict[str, int] = {
    SharedLevel.CRITICAL: 0,
    SharedLevel.HIGH: 1,
    SharedLevel.UNKNOWN: 2,
    SharedLevel.MEDIUM: 3,
    SharedLevel.LOW: 4,
}
