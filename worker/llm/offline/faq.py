"""Short, sound answers to the training questions athletes ask most, for the offline coach.

A model answers open questions itself; without one, these cover the common ones so the athlete
gets advice rather than "noted". Each answer is general coaching knowledge (reference/
training.md), under two SMS, and points back to the plan where it matters. Questions nothing
here covers get an honest "I can't answer that one by text" from the caller, not a promise.
"""

from __future__ import annotations

import re
from typing import Final

_I = re.IGNORECASE

FAQ: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\b(?:race week|before (?:the|my) (?:race|marathon)|taper)\b", _I),
     "Race week: keep one short, light session early in the week (half the sets, nothing "
     "near failure) and no lifting in the last 3-4 days. Fresh legs win races."),
    (re.compile(r"\bsumo\b", _I),
     "Sumo suits some builds, but it isn't a shortcut: stick with the stance you're building "
     "for your target. We can test sumo after it, on a lighter day."),
    (re.compile(r"\bkip(?:ping)?\b", _I),
     "Nice! A kipping rep shows you have the transition; it doesn't count toward a strict one. "
     "Keep building high pulls and slow negatives and the strict rep follows."),
    (re.compile(r"\bhow long\b.*\b(?:til|until|till|to get|before)\b", _I),
     "Honest ballpark: returning strength comes back faster than it was first built, often "
     "months rather than years, if you train consistently and recover well. Log your sets and "
     "I'll tell you how the trend looks as we go."),
    (re.compile(r"\b(?:swings?)\b.*\bback\b|\bback\b.*\bswings?\b", _I),
     "Swings are a hip hinge: push the hips back, keep your back flat and let the hips, not "
     "the lower back, drive the bell. Start light and short; stop if it pinches."),
    (re.compile(r"\b(?:handstand|practice)\b.*\b(?:off days|rest days|home|every day)\b", _I),
     "Short, easy handstand practice on off days is fine: 5-10 minutes, quality holds, and "
     "stop before your wrists complain. Warm the wrists up first."),
    (re.compile(r"\b(?:buy|get)\b.*\b(?:heavier|more weight|dumbbells|dbs)\b", _I),
     "You don't need to yet: slower reps, pauses, more reps and single-leg work make light "
     "weights hard. If you do buy, a pair about 50% heavier is the most useful next step."),
    (re.compile(r"\b(?:lifting |weight ?lifting )?belt\b", _I),
     "Not yet: a belt earns its place once squats and deadlifts get heavy. Until then, bracing "
     "does the job: a big breath into your belly, then tighten as if about to take a punch."),
    (re.compile(r"\b(?:tweak\w*|hurt\w*|pain\w*|sketch\w*|pinch\w*|strain\w*|pulled)\b.*"
                r"\b(?:(?:is )?(?:that|it|this) (?:bad|normal|serious|ok|okay)|should i (?:worry|"
                r"be worried)|normal)\s*\?", _I),
     "Stopping was the right call. A tweak that eases in a few days is usually minor; if it's "
     "sharp, swollen or still there in a week, have your athletic trainer or a physio check it."),
    (re.compile(r"\b(?:stiff|ached|aches|achy)\b", _I),
     "A mild ache that eases once you're warm is fine to train through carefully: warm up well "
     "and keep that exercise easy or shallower. Sharp pain, swelling or pain that lasts into "
     "the next day: stop it and tell me, and check with your physio."),
    (re.compile(r"\b(?:can|could) i (?:do|train|lift|go)\b.*\b(?:night|evening|\d+ ?pm|\d+ ?"
                r"o'?clock|after (?:my )?(?:shift|work))\b", _I),
     "Yes, training late is fine: the best time is the one you'll stick to. After a long shift "
     "keep it a notch easier, and give yourself an hour before bed if you can."),
    (re.compile(r"\b(?:put|added|add|went up|increase[d]?)\b.*\b(?:plate|lb|lbs|kg|pounds|weight)"
                r"\b.*\b(?:ok|okay|alright|fine|right)\b", _I),
     "Yes: adding a little when the last sets feel easier is exactly how you get stronger. "
     "Keep that weight until every set feels solid, then add again."),
    (re.compile(r"\b(?:keep going|carry on|continue|skip (?:them|it|those))\b", _I),
     "If the ache is mild and gone by the next day, keep them with a lower step or fewer "
     "reps. If it's sharp, swells or lingers, skip them for now, tell me, and check with your "
     "surgeon or physio."),
    (re.compile(r"\binstead of\b|\binvece\b", _I),
     "Yes, that's a fine swap when the machine's taken: it trains the same movement, so keep "
     "the sets and reps and pick a weight that leaves 2 reps in the tank."),
    (re.compile(r"\blunges?\b", _I),
     "Reverse lunges are usually kinder to knees than forward ones: step back, keep the front "
     "shin fairly upright and only go as deep as stays pain-free. If the knee still complains, "
     "tell me and I'll swap them for step-ups."),
    (re.compile(r"\b(?:sore|soreness|doms|destroyed|legs are)\b.*\b(?:normal|ok|okay)\b|\bis "
                r"that normal\b", _I),
     "Yes, that's normal muscle soreness (it peaks a day or two after and fades). Move around, "
     "eat and sleep well, and it gets milder as you adapt. Sharp or joint pain is different: "
     "tell me where."),
    (re.compile(r"\b(lift|strength|weights?|gym)\b.*\b(before|after)\b.*\b(run|runs|running|"
                r"cardio)\b|\b(run|running|cardio)\b.*\b(before|after)\b.*\b(lift|strength|"
                r"weights?)\b", _I),
     "Do the one that matters most to you first. For running goals: easy runs can go before "
     "lifting, but keep hard runs and heavy leg days at least 6 hours apart (or on different "
     "days), and lift after easy runs rather than before quality sessions."),
    (re.compile(r"\b(sore|soreness|doms|tired|m[uü]de)\b", _I),
     "Muscle soreness a day or two after a session is normal and fades as your body adapts. "
     "Train through mild, dull soreness with a good warm-up; sharp or joint pain is different: "
     "tell me where and I'll adjust."),
    (re.compile(r"\brest\b.*\b(between sets|sets)\b|\bhow long\b.*\brest\b", _I),
     "Rest 2-3 min between heavy sets of the main lifts and 60-90 s on accessories. Rest "
     "enough to hit your reps with good form; the plan lists the rest for each exercise."),
    (re.compile(r"\b(protein|protien|eat|diet|nutrition|calories)\b", _I),
     "Basics first: protein at each meal (about 1.6 g per kg of body weight a day helps muscle), "
     "plenty of plants, and enough food to fuel training.{goal_food}"),
    (re.compile(r"\b(warm ?up|warm-up)\b", _I),
     "5-10 min: something easy to raise your heart rate, then the session's warm-up moves, then "
     "one or two lighter sets of your first exercise before the work sets."),
    (re.compile(r"\bcardio\b|\bpeloton\b|\bbike\b", _I),
     "Some easy cardio helps: 2-3 walks or easy rides a week are plenty alongside your "
     "strength days. Keep it easy enough to chat."),
    (re.compile(r"\bsmith\b", _I),
     "The Smith machine fixes the bar's path, so it feels different from free weights. It's a "
     "fine tool: set your feet slightly forward and keep the movement smooth."),
    (re.compile(r"\bsafe\b.*\b(?:lift|weights|train)\b|\bosteop", _I),
     "For most people with low bone density, progressive strength training is recommended and "
     "safe when it starts light and builds gradually with good form. Your plan keeps your spine "
     "neutral, with no loaded bending or twisting. Check any limits with your doctor."),
    (re.compile(r"\b(?:empty stomach|fasted|fasting|without eating|not eat(?:ing)?|skip(?:ping)? "
                r"(?:meals?|lunch|breakfast))\b", _I),
     "Eat before it: a normal meal with carbs and protein 2-3 hours before, or a banana if "
     "it's closer. Training hungry to see a number on the scale costs strength and recovery; "
     "make weight with your coach's plan over weeks, not by skipping meals."),
    (re.compile(r"\b(extra|more)\b.*\b(train|workout|session|cardio|days?|curls)\b|\bcan i (also )?"
                r"(do|add|train)\b", _I),
     "Extra easy activity (walks, easy rides, mobility) is always welcome. Hold off on extra "
     "hard sessions for now: recovery is where progress happens. Tell me what you'd add and I "
     "can work it in."),
    (re.compile(r"\b(sleep|tired|fatigue|exhausted)\b", _I),
     "Sleep is the best recovery tool: aim for 7-9 hours. On a wrecked day, do a shorter "
     "version (tell me how many minutes you have) rather than skipping."),
    (re.compile(r"\b(rpe|rir|reps in reserve)\b", _I),
     "RIR is reps in reserve: how many more clean reps you could have done. RPE 8 = 2 left, "
     "9 = 1 left, 10 = nothing left. Most sets should end with 1-3 in reserve."),
)


#: The line of a food answer that depends on what the athlete is training for.
GOAL_FOOD: dict[str, str] = {
    "fat_loss": " For fat loss, a modest deficit and steady training beat crash diets.",
    "hypertrophy": (" To build muscle, eat a little more than you burn (about 250-500 kcal a "
                    "day over); food first, a protein shake only if it's easier."),
}


def faq_answer(text: str, goal: str | None = None) -> str | None:
    """The answer to the first question pattern the text matches, if any, for their goal."""
    answer = next((answer for pattern, answer in FAQ if pattern.search(text)), None)
    return None if answer is None else answer.replace("{goal_food}",
                                                      GOAL_FOOD.get(goal or "", ""))
