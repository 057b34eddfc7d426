"""A friend's referral code in a text, as the offline reader sees it: a mark, not words.

"JOIN 3XK9TB" is linked by the webhook (a new number) or ignored (an athlete already); read as
words it would be sets and reps ("3x"), a day count or a name. Both the profile reader and the
coach's reader see the mark instead.
"""

from __future__ import annotations

import re
from typing import Final

from worker.coach.referrals import code_in

#: What a referral code in a text is left as.
REFERRAL_MARK: Final = "[a friend's referral code]"


def without_referral(text: str) -> str:
    """``text`` with its referral code (and the JOIN before it) replaced by the mark."""
    code = code_in(text)
    if code is None:
        return text
    half = len(code) // 2
    spelled = rf"(?i)\b(?:join[ :#-]*)?{code[:half]}[ -]?{code[half:]}\b"
    return re.sub(spelled, REFERRAL_MARK, text)
