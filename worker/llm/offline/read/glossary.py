"""The words athletes mix in from other languages, put into English before reading.

Not translation: a small, reviewed list per language of the words that carry training facts
(weekdays, "days a week", equipment, body parts, "I want", times) and the little words that
glue them ("and", "but", "without"). A language's list is applied only to a text that shows
that language, so the Spanish "no" or the German "Do" never rewrite an English text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

_I = re.IGNORECASE

#: Words that show a language is in the text (two distinct hits, or one strong one).
_MARKERS: Final[dict[str, re.Pattern[str]]] = {
    "es": re.compile(r"\b(?:quiero|tengo|puedo|d[ií]as|semana|mancuernas|hola|pero|tambi[eé]n|"
                     r"me llamo|nada|hace|a[nñ]os|lunes|martes|mi[eé]rcoles|jueves|viernes|"
                     r"s[aá]bado|porfa|mándamelo|hecho|listo|hoy|ayer|rodilla|espalda|gimnasio|"
                     r"pesas|veces|muy|para|las|los|del|con|mi|es|está|estoy|soy|una|corro|"
                     r"preparando|objetivo|ahora|quiero)\b", _I),
    "pt": re.compile(r"\b(?:tenho|quero|halteres|oi|n[aã]o|manh[aã]|segunda|ter[cç]a|quarta|"
                     r"quinta|sexta|meu nome|anos|s[oó] isso|treino|hoje|feito|fiz|agachamento|"
                     r"por semana|qualquer|menos|m[aá]ximo|porque|minha|voc[eê]|obrigad[oa]|"
                     r"tive|barriga|kkk+|muito|podes|mandar|flex[õo]es|custou|esperava|corrijo|"
                     r"equipa|acordarem|nenhuma|sonho|enfermeira|trabalho|filhos|tapete|"
                     r"sogro|garagem|banco|fazia|gravidez|musculaç[aã]o|antes da)\b", _I),
    "it": re.compile(r"\b(?:voglio|posso|giorni|settimana|palestra|sono|anni|luned[iì]|"
                     r"marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|spalla|mi fa male|alle|"
                     r"per favore|basta|fatto|oggi|gambe|domanda|invece|esperienza|buonasera|"
                     r"grazie|ciao|circa|petto|panca|messaggio|mandalo|vorrei|almeno|"
                     r"onestamente|allenar\w*|trazion[ei]|sbarra|elastici|manubri|gomito|"
                     r"stasera|domani|anche|perch[eé]|allora|tutto|niente|infortuni\w*)\b", _I),
    "de": re.compile(r"\b(?:ich|bin|will|woche|pro|tage|uhr|klimmz[uü]ge|kurzhanteln|"
                     r"verletzungen|h[uü]fte|knie|bitte|nichts|morgen|guten|danke|"
                     r"langhantel|kabelzug|mein|meine|montag|dienstag|mittwoch|donnerstag|"
                     r"freitag|samstag|sonntag|abends|heute|gemacht|nicht|und|aber|mit|"
                     r"fitnessstudio|kannst|schicken|klettere|servus|hallo|danke|hat|sich|"
                     r"ein|eine|bei|uns|jetzt|ist|das|der|die|auch|noch|schon|gekauft)\b", _I),
    # Distinctive French only: no "dos" (Spanish two, Portuguese of-the), no "mal" (Spanish,
    # Portuguese), no "ou"/"tu", no unaccented "halteres" (Portuguese), no "encore" or
    # "beaucoup" (English says them); "mais" is Portuguese too, but no Portuguese word is a
    # second marker here.
    "fr": re.compile(r"(?<!\w)(?:je|j['’]ai|j['’]aimerais|suis|veux|voudrais|peux|jours|semaine|"
                     r"fois|salle|muscu|musculation|mais|avec|pas de|c['’]est|ça|stp|svp|"
                     r"merci|bonjour|bonsoir|salut|coucou|lundis?|mardis?(?! gras)|mercredis?|"
                     r"jeudis?|vendredis?|samedis?|dimanches?|genoux?|[ée]paules?|poignets?|"
                     r"chevilles?|hanches?|blessures?|bless[ée]e?|haltères|s[ée]ances?|fait|"
                     r"matin|soir|depuis|aujourd['’]hui|d[ée]butante?|m['’]entra[iî]ne\w*|"
                     r"entra[iî]nements?|tractions?|pompes|envoie|objectif|perdre|poids|"
                     r"maigrir|prendre|faire|fais|veut|[êe]tre|forme|am[ée]liorer|mariage|"
                     r"juin|juillet|ao[uû]t|janvier|f[ée]vrier|une|mois|ans|heures|demain|"
                     r"dispo|courir|banc|v[ée]lo|[ée]lastiques|coudes?|nuque|aussi|"
                     r"vraiment|toujours|quand|parce que|nous|vous)(?!\w)", _I),
    "ja": re.compile(r"\b(?:desu|konnichiwa|arigatou|otsukare|itai|dake|shinpai|yokatta|"
                     r"\d{1,2}ji|asa)\b", _I),
}

#: Words that show a language by themselves: French no English, Spanish or Portuguese text
#: contains ("j'ai", "séance" with its accent, a weekday, a report ending "squat fait").
_STRONG: Final[dict[str, re.Pattern[str]]] = {
    # "podes mandar às 6h45?", "Feito ✅ flexões de joelhos": Portuguese by themselves
    "pt": re.compile(r"(?<!\w)(?:[àa]s \d{1,2}h|flex[õo]es|podes mandar|obrigad[oa]|"
                     r"sou [ao](?= \w)|feito(?=\W*(?:$|flex|agacha|prancha)))(?!\w)", _I),
    "fr": re.compile(r"(?<!\w)(?:j['’]ai|je (?:suis|veux|voudrais|peux|m['’]entra[iî]ne)|"
                     r"on a (?:gagn[ée]|perdu)|jambes mortes|c['’]est quoi|"
                     r"lundis?|mardis?(?! gras)|mercredis?|jeudis?|vendredis?|samedis?|"
                     r"dimanches?|aujourd['’]hui|s['’]il (?:te|vous) pla[iî]t|"
                     r"jours par semaine|séances?|haltères|entraînements?|"
                     r"(?:s[ée]ance|entra[iî]nement|workout|squats?|deadlifts?|bench|pompes|"
                     r"tractions|cardio|footing|jambes|muscu|tout)\s+faite?s?|"
                     r"faite?s?(?=\W*$))(?!\w)", _I),
}

Rule = tuple[re.Pattern[str], str]


def _rules(pairs: list[tuple[str, str]]) -> list[Rule]:
    """Compiled rules, longest pattern first, so phrases ("nunca he hecho pesas") are put
    into English before the words inside them ("pesas", "hecho")."""
    ordered = sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)
    return [(re.compile(pattern, _I), english) for pattern, english in ordered]


_WEEKDAYS_ES = [(r"\blunes\b", "monday"), (r"\bmartes\b", "tuesday"),
                (r"\bmi[eé]rcoles\b", "wednesday"), (r"\bjueves\b", "thursday"),
                (r"\bviernes\b", "friday"), (r"\bs[aá]bados?\b", "saturday"),
                (r"\bdomingos?\b", "sunday")]


# --- French -------------------------------------------------------------------------------------
# Typed French often drops accents ("seance", "halteres", "epaule") and uses either apostrophe
# (j'ai, j’ai): patterns accept both. The list is applied in stages, each longest first:
# number words, then body parts (so "j'ai mal au genou gauche" can be said in the right
# English order once "genou gauche" is "left knee"), then the phrases and words, and last
# "j'ai", "je", "mon" on their own.

_AP = r"['’]"
_FR_NUMBERS = {"deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7", "huit": "8",
               "neuf": "9", "dix": "10", "douze": "12", "quinze": "15", "vingt": "20",
               "trente": "30", "quarante": "40", "quarante-cinq": "45", "cinquante": "50",
               "soixante": "60", "quatre-vingt-dix": "90"}
#: A number word counts only before a unit ("trois jours", "quinze min"): "neuf" is also "new".
_FR_UNIT_AHEAD = (r"(?=\s*(?:jours?\b|j\b|fois\b|x\b|s[eé]ances?\b|h\b|heures?\b|min|ans\b|"
                  r"mois\b|semaines?\b|kg|kilos?\b|s[eé]ries?\b|r[eé]p|reps\b|pompes\b|"
                  r"tractions?\b))")
_FR_NUMBER_RULES = [
    *[(rf"\b{word}\b{_FR_UNIT_AHEAD}", digits) for word, digits in _FR_NUMBERS.items()],
    (r"\bun(?=\s+jour\b)|\bune(?=\s+s[eé]ance\b)", "1"),
]

#: Body parts (French, English); the ones with a side can be "gauche" (left) or "droit(e)".
_FR_BODY = [
    (r"genoux", "knees", True), (r"genou", "knee", True), (r"[ée]paules", "shoulders", True),
    (r"[ée]paule", "shoulder", True), (r"poignets?", "wrist", True), (r"coudes?", "elbow", True),
    (r"chevilles?", "ankle", True), (r"hanches?", "hip", True), (r"pieds?", "feet", True),
    (r"mollets?", "calf", True), (r"ischios?(?:[- ]jambiers?)?", "hamstring", True),
    (r"jambes", "legs", True), (r"jambe", "leg", True), (r"bras", "arms", True),
    (r"tibias?", "shin", True),
    (r"nuque", "neck", False), (r"cou", "neck", False), (r"dos", "back", False),
    (r"(?:le )?bas du dos|bas de dos|lombaires?", "lower back", False),
    (r"(?:le )?haut du dos", "upper back", False), (r"doigts?", "finger", False),
    (r"pouces?", "thumb", False), (r"poitrine|pectoraux|pecs", "chest", False),
    (r"adducteurs?|aine", "groin", False), (r"fessiers?", "glutes", False),
    (r"abdos|abdominaux", "abs", False), (r"cuisses?", "thigh", False),
    (r"talons?", "heel", False),
]
_FR_BODY_RULES = [
    *[(rf"\b(?:{fr})\b", en) for fr, en, _ in _FR_BODY],
    *[(rf"\b(?:{fr}) gauches?\b", f"left {en}") for fr, en, sided in _FR_BODY if sided],
    *[(rf"\b(?:{fr}) droite?s?\b", f"right {en}") for fr, en, sided in _FR_BODY if sided],
    (r"\bsac [àa] dos\b", "backpack"), (r"\bcourse [àa] pied\b", "running"),
    (r"\b[àa] genoux\b", "kneeling"), (r"\bpoids du corps\b", "bodyweight"),
    (r"\bpas de jambes\b", "no legs"),
]
#: The body parts once in English, for "j'ai mal au genou" -> "my knee hurts".
_EN_PART = (r"((?:left |right |lower |upper )?(?:knees?|shoulders?|wrist|elbow|ankle|hip|foot|"
            r"feet|calf|hamstring|legs?|arms?|shin|neck|back|finger|thumb|chest|groin|glutes|abs|"
            r"thigh|heel))")
_FR_TO = r"(?:au|aux|[àa] la|[àa] l['’]|[àa] mon|[àa] ma|[àa] mes)\s*"
_FR_HOW = r"(un peu |tr[eè]s |souvent |parfois |toujours |encore |vraiment |grave )?"

_FR_DAYS = [("lundi", "monday"), ("mardi", "tuesday"), ("mercredi", "wednesday"),
            ("jeudi", "thursday"), ("vendredi", "friday"), ("samedi", "saturday"),
            ("dimanche", "sunday")]
_FR_DAY_NAMES = "|".join(fr for fr, _ in _FR_DAYS)
_FR_ABBREVIATIONS = {"lun": "mon", "mar": "tue", "mer": "wed", "jeu": "thu", "ven": "fri",
                     "sam": "sat", "dim": "sun"}
_ANY_ABBREVIATION = "lun|mar|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun"


def _fr_weekdays() -> list[tuple[str, str]]:
    """"lundi", "le lundi", "les lundis", "tous les lundis", and the short forms in a list
    ("lun/mer/ven", "mar et jeu": a lone "mar" or "sam" is not a day)."""
    pairs: list[tuple[str, str]] = []
    for fr, en in _FR_DAYS:
        pairs += [(rf"\btous les {fr}s?\b", f"every {en}"), (rf"\bchaque {fr}\b", f"every {en}"),
                  (rf"\bles {fr}s?\b", f"{en}s"), (rf"\ble {fr}\b", f"on {en}"),
                  (rf"\b{fr}s\b", f"{en}s"), (rf"\b{fr}\b", en)]
    for short, en in _FR_ABBREVIATIONS.items():
        comma = "" if short == "sam" else ","  # "Sam, lun mer": a name, then the days
        ahead = (rf"(?=\.?\s*(?:[/{comma}&+-]|\bet\b|\band\b|\bau\b|[àa]\b)?\s*"
                 rf"(?:{_ANY_ABBREVIATION})\b)")
        behind = "|".join(rf"(?<=(?:{_ANY_ABBREVIATION}){gap})"
                          for gap in (rf"[ /{comma}&+-]", " et ", " au ", " [àa] "))
        pairs.append((rf"\b{short}\b{ahead}|(?:{behind}){short}\b", en))
    # "du lundi au vendredi", "lun au ven": a span of days
    pairs += [(rf"\b(?:du |de )?({_FR_DAY_NAMES}) (?:au|[àa]|jusqu{_AP}au) ({_FR_DAY_NAMES})\b",
               r"\1 to \2"),
              # "du lundi au vendredi je bosse": English puts the work first, "i work ..."
              (rf"\b(?:du |de )?({_FR_DAY_NAMES}) (?:au|[àa]|jusqu{_AP}au) ({_FR_DAY_NAMES}),? "
               r"(?:je|j['’]) ?(?:bosse|travaille|taffe)\b", r"i work \1 to \2"),
              (r"(?<=\b(?:mon|tue|wed|thu|fri|sat|sun) )(?:au|[àa])(?= (?:mon|tue|wed|thu|fri|"
               r"sat|sun)\b)", "to")]
    return pairs


def _fr_durations() -> list[tuple[str, str]]:
    """"1h30" is a session's length, "à 7h30" a clock time."""
    not_a_clock = r"(?<![àa] )(?<!at )(?<!vers )(?<!around )"
    pairs = [(rf"{not_a_clock}\b{hours}\s?h\s?{minutes}\b(?!\s*(?:du|de l))",
              f"{hours * 60 + minutes} min")
             for hours in (1, 2, 3) for minutes in (15, 30, 45)]
    pairs.append((rf"{not_a_clock}\b([1-3])\s?h(?:eures?)?\b(?!\s*(?:du|de l|pile|[0-5]\d))",
                  r"\1 hours"))
    return pairs


_FR_RULES = [
    *_fr_weekdays(), *_fr_durations(),
    # greetings and politeness
    (r"\bbonjour\b|\bbonsoir\b|\bsalut\b|\bcoucou\b", "hi"), (r"\bmerci\b", "thanks"),
    (r"\bnon merci\b", "no thanks"), (r"\bstp\b|\bsvp\b", "please"),
    (rf"\bs{_AP}il (?:te|vous) pla[iî]t\b", "please"), (r"\boui\b|\bouais\b", "yes"),
    (r"\bnon\b(?!-)", "no"), (rf"\bd{_AP}accord\b", "ok"), (rf"\bc{_AP}est\b", "it's"),
    # who they are
    (rf"\bje m{_AP}appelle\b", "my name is"),
    # "moi c'est Léa" introduces her; "moi c'est plutôt le soir" does not
    (rf"\bmoi c{_AP}est (?=(?-i:[A-ZÀ-Ý]))", "i'm "),
    (rf"\bc{_AP}est quoi\b|\bqu{_AP}est-ce que c{_AP}est\b", "what is"),
    (rf"\bc{_AP}est [çc]a\b", "is that right"),
    (r"\bon a gagn[ée]\b", "we won"), (r"\bon a perdu\b", "we lost"),
    (r"\bon a fait match nul\b", "we drew"),
    (r"\b(?:jambes|legs) mortes\b|\b(?:jambes|legs) (?:en compote|cuites)\b", "legs are dead"),
    (rf"\bje m{_AP}arr[êe]te\b", "i stop"), (rf"\bavant l{_AP}[ée]chec\b", "before failure"),
    (rf"\bj{_AP}ai (\d{{2}}) ans\b", r"i'm \1 years old"),
    (rf"(?<!for )(?<!depuis )(?<!pendant )(?<!fait )(?<!y a )(?<!ai )\b(\d{{2}}) ans\b"
     rf"(?!\s+(?:d{_AP}|de\b|que\b))", r"\1 years old"),
    (r"\bje suis (?:un |une )?[ée]tudiante?\b", "i'm a student"),
    (r"\b[ée]tudiante?s?\b", "student"),
    (rf"\b(?:je suis|j{_AP}?suis) (?=(?-i:[A-ZÀ-Ý][a-zà-ÿ]))", "i'm "),  # "je suis Tom"
    (r"\bje suis (?:mort|morte|crev[ée]e?|[ée]puis[ée]e?|naze|claqu[ée]e?)\b", "i am exhausted"),
    (r"\b(?:l[àa] )?je suis [àa] (?=\d)", "i'm at "),  # "là je suis à 100kg x3": where they are
    (r"\bje suis\b", "i am"),
    (r"\b(?:crev[ée]e?|[ée]puis[ée]e?)\b", "exhausted"),
    # how many days, how long
    (r"\b([1-7])\s?(?:x|fois)\s*(?:par|/|p|a la|[àa] la)?\s*sem(?:aine)?\b", r"\1 times a week"),
    (r"\b([1-7])\s?j(?:ours?)?\s*(?:par|/|p|a la|[àa] la)\s*sem(?:aine)?\b", r"\1 days a week"),
    (r"\b([1-7])\s?jours? semaine\b", r"\1 days a week"),
    (r"\bjours? (?:par|/|a la|[àa] la) semaine\b", "days a week"),
    (r"\bfois (?:par|/|a la|[àa] la) semaine\b", "times a week"),
    (r"\bune fois (?:par|/|a la|[àa] la) semaine\b", "once a week"),
    (r"\bs[ée]ances? ?(?:par|/|a la|[àa] la) ?sem(?:aine)?\b", "sessions a week"),
    (r"\bpar semaine\b|\b[àa] la semaine\b", "a week"), (r"\btous les jours\b", "every day"),
    (r"\ben semaine\b", "on weekdays"), (r"\bce week-?end\b", "this weekend"),
    (r"(?<!ce )\b(?:le |les )?week-?ends?\b", "weekends"),
    (r"\bjours\b", "days"), (r"\bjour\b", "day"), (r"\bfois\b", "times"),
    (r"\bsemaines\b", "weeks"), (r"\bsemaine\b", "week"),
    (r"\bcette semaine\b", "this week"), (r"\bla semaine prochaine\b", "next week"),
    (r"\bjours? de repos\b", "rest day"), (r"\brepos\b", "rest"),
    (r"\bune heure et demie?\b|\b1\s?h(?:eure)? et demie?\b", "an hour and a half"),
    (r"\bune demi[- ]heure\b", "half an hour"), (rf"\btrois quarts? d{_AP}heure\b", "45 min"),
    (r"\bune heure\b", "an hour"), (r"\bheures\b", "hours"), (r"\bheure\b", "hour"),
    (r"\b(\d{1,3})\s?mn\b", r"\1 min"), (r"\bpas plus de (\d{1,3}) ?min(?:utes)?\b", r"\1 min max"),
    (r"\b(?:au |grand )?maxi(?:mum)?\b", "max"), (r"\benviron\b|\b[àa] peu pr[eè]s\b", "about"),
    (r"\bgenre\b", "like"), (r"\bpar s[ée]ance\b", "per session"),
    (r"\bs[ée]ances\b", "sessions"), (r"\bs[ée]ance\b", "session"),
    (r"\bentra[iî]nements\b", "workouts"), (r"\bentra[iî]nement\b", "workout"),
    (r"\bpar\b", "per"),
    # clock times: "à 7h", "8h30", "7h du matin", "19h"
    (r"\b(\d{1,2})\s?h\s?([0-5]\d) du mat(?:in)?\b", r"\1:\2am"),
    (r"\b(\d{1,2})\s?h du mat(?:in)?\b", r"\1am"),
    (rf"\b(\d{{1,2}})\s?h\s?([0-5]\d) (?:du soir|de l{_AP}apr[eè]s[- ]midi|de l{_AP}aprem)\b",
     r"\1:\2pm"),
    (rf"\b(\d{{1,2}})\s?h (?:du soir|de l{_AP}apr[eè]s[- ]midi|de l{_AP}aprem)\b", r"\1pm"),
    (r"\b(\d{1,2})\s?h\s?([0-5]\d)\b", r"\1:\2"), (r"\b(\d{1,2})\s?h\b", r"\1:00"),
    (r"\b[àa] (\d{1,2}) heures?\b", r"at \1:00"),
    (r"(?<!\w)[àa]\s+(?=\d{1,2}(?:\s?h\b|\s?h\s?[0-5]\d|:\d\d))", "at "),
    (r"\bvers\s+(?=\d)", "around "), (r"\b[àa] midi\b", "at noon"), (r"\bmidi\b", "noon"),
    (r"\btous les matins\b", "every morning"), (r"\btous les soirs\b", "every evening"),
    (r"\btôt le matin\b|\btot le matin\b", "early in the morning"),
    (r"\ble matin\b", "in the morning"), (r"\bles matins\b", "mornings"),
    (r"\bce matin\b", "this morning"), (r"\bmatin\b", "morning"),
    (r"\ble soir\b", "in the evening"), (r"\bles soirs\b", "evenings"),
    (r"\bce soir\b", "tonight"), (r"\bsoir\b", "evening"),
    (rf"\bl{_AP}apr[eè]s[- ]midi\b|\bl{_AP}aprem\b", "in the afternoon"),
    (r"\bapr[eè]s (?:le |mon )?(?:travail|taf|boulot)\b", "after work"),
    (r"\bapr[eè]s les cours\b", "after class"),
    (r"\bavant (?:le |mon )?(?:travail|taf|boulot)\b", "before work"),
    (r"\btrop t[oô]t\b", "too early"), (r"\bt[oô]t\b", "early"),
    (rf"\baujourd{_AP}hui\b|\bauj\b", "today"), (r"\bhier\b", "yesterday"),
    (r"\bdemain\b", "tomorrow"),
    # the daily text
    (rf"\b(?:tu )?(?:peux|pourrais|pourrait)[- ](?:tu )?m{_AP}envoyer\b", "can you send me"),
    (r"\b(?:tu )?(?:peux|pourrais|pourrait)[- ](?:tu )?envoyer\b", "can you send"),
    (r"\benvoie[sz]?[- ]moi\b|\benvoyez[- ]moi\b", "send me"), (r"\benvoie[sz]?\b", "send"),
    (rf"\bm{_AP}envoyer\b", "send me"), (r"\benvoyer\b", "send"),
    (r"\b(?:[ée]cris|texte)[- ]moi\b", "text me"), (r"\brecevoir\b|\bre[çc]ois\b", "receive"),
    (r"\ble message\b|\ble texto\b|\ble sms\b", "the message"),
    (r"\ble programme\b", "the workout"), (r"\bça me va\b|\bca me va\b", "works for me"),
    (rf"\bc{_AP}est parfait\b", "is perfect"), (rf"\bc{_AP}est id[ée]al\b", "is ideal"),
    (r"\bje pr[ée]f[eè]re\b", "i prefer"), (rf"\bc{_AP}est mieux\b", "is best"),
    (r"\bquand\b", "when"), (r"\bmieux\b", "better"),
    # goals
    (rf"\bje veux\b|\bje veut\b|\bj{_AP}veux\b|\bjveux\b|\bje voudrais\b|\bj{_AP}aimerais\b"
     r"|\bje souhaite\b", "i want"),
    (rf"\bmon (?:objectif|but) (?:c{_AP}est|est)(?: de\b| d{_AP})?", "my goal is to "),
    (r"\bobjectifs?\b", "goal"),
    (r"\b(?:prendre|gagner|faire) du muscle\b|\bprendre de la masse\b|\bprise de masse\b"
     r"|\b(?:me|se) muscler\b", "build muscle"),
    (r"\bprendre du poids\b|\bgrossir\b", "gain weight"),
    (r"\bperdre du poids\b|\bperte de poids\b|\bmaigrir\b|\bmincir\b", "lose weight"),
    (r"\bperdre (un peu )?(?:du |de )?gras\b", r"lose \1fat"),
    (r"\bperdre (?:du |mon )?ventre\b", "lose belly"),
    (r"\bperdre (\d{1,3})\s?(kg|kilos?)\b", r"lose \1 \2"), (r"\bperdre\b", "lose"),
    (r"\b(?:faire|fais) une s[eè]che\b", "doing a cut"),
    (r"\b[êe]tre plus forte?s?\b", "be stronger"), (r"\bdevenir plus forte?s?\b",
                                                      "become stronger"),
    (r"\bgagner en force\b|\bprendre de la force\b|\bme renforcer\b", "get stronger"),
    (r"\bplus forte?s?\b", "stronger"), (r"\bforce\b", "strength"),
    # "(un) plus gros squat" is a goal; "mon plus gros squat" (my best) is not
    (r"(?<!mon )\bplus gros (squat|bench|deadlift|d[ée]velopp[ée] couch[ée]|"
     r"soulev[ée] de terre)\b", r"bigger \1"),
    (r"\bam[ée]liorer (?:mon|ma|mes) (squat|bench|deadlift|d[ée]velopp[ée] couch[ée]|"
     r"soulev[ée] de terre)\b", r"improve my \1"),
    (r"\baugmenter (?:mon|ma|mes) (squat|bench|deadlift|d[ée]velopp[ée] couch[ée]|"
     r"soulev[ée] de terre)\b", r"increase my \1"),
    (r"\b(?:me remettre|se remettre|revenir) en forme\b|\bretrouver (?:la|ma) forme\b"
     r"|\bremise en forme\b", "get back in shape"),
    (r"\b[êe]tre en forme\b", "be in shape"), (r"\ben meilleure sant[ée]\b", "healthier"),
    (r"\bsant[ée]\b", "health"), (r"\bsouplesse\b", "flexibility"), (r"\bmobilit[ée]\b",
                                                                     "mobility"),
    (r"\bsemi[- ]?marathon\b", "half marathon"), (r"\bmariage\b", "wedding"),
    (rf"\bl{_AP}[ée]t[ée]\b", "summer"), (r"\bno[ëe]l\b", "christmas"),
    (rf"\bd{_AP}ici\b", "by"), (r"\bavant\b", "before"),
    *[(rf"\b{fr}\b", en) for fr, en in (
        ("janvier", "january"), ("f[ée]vrier", "february"), ("avril", "april"), ("mai", "may"),
        ("juin", "june"), ("juillet", "july"), ("ao[uû]t", "august"), ("septembre", "september"),
        ("octobre", "october"), ("novembre", "november"), ("d[ée]cembre", "december"))],
    (r"\bje pr[ée]pare\b", "i'm training for"), (r"\bun semi\b", "a half marathon"),
    (r"\bma premi[eè]re traction\b", "my first pull-up"), (r"\btractions?\b", "pull-ups"),
    (r"\bpompes\b", "push-ups"), (r"\bd[ée]velopp[ée] couch[ée]\b", "bench press"),
    (r"\bd[ée]velopp[ée] militaire\b", "overhead press"),
    (r"\bsoulev[ée] de terre\b", "deadlift"), (r"\bfentes\b", "lunges"),
    (r"\bsquats? profonds?\b", "deep squats"), (r"\bgainage\b", "plank"),
    (r"\bpour le\b|\bpour la\b", "for the"), (r"\bpour\b", "for"),
    (r"(?<!my )(?<!left )(?<!right )\bfoot(?:ball)?\b", "soccer"),
    (r"\bbasket\b", "basketball"), (r"\bboxe\b", "boxing"), (r"\bescalade\b", "climbing"),
    (r"\bnatation\b", "swimming"), (r"\bsorties? longues?\b", "long run"),
    (r"\bfractionn[ée]\b", "intervals"), (r"\bje cours\b", "i run"), (r"\bcourir\b", "run"),
    # experience
    (rf"\b(?:je (?:lifte?|soul[eè]ve|m{_AP}entra[iî]ne|fais de la muscu(?:lation)?|"
     rf"fais de la salle|vais [àa] la salle)|j{_AP}(?:lifte?|m{_AP}entra[iî]ne)|"
     rf"(?:je )?lift)\s+depuis\b", "i have been lifting for"),
    (rf"\bça fait (\d{{1,2}}) ans que je (?:lifte?|m{_AP}entra[iî]ne|fais de la muscu\w*)\b",
     r"i have been lifting for \1 years"),
    (r"\bdepuis (\d{1,2}) ans\b", r"for \1 years"), (r"\bdepuis (\d{1,2}) mois\b",
                                                     r"for \1 months"),
    (r"\bdepuis un an\b", "for a year"),
    # "depuis l'an dernier" is still going: "since last year" would read as over
    (rf"\bdepuis l{_AP}ann[ée]e derni[eè]re\b|\bdepuis l{_AP}an dernier\b", "for a year now"),
    (r"\b(?:un|1) an et demi\b", "1.5 years"),
    (r"\b(\d) ans et demi\b", r"\1.5 years"),
    (r"\bdepuis (?:des ann[ée]es|longtemps|toujours)\b", "for years"),
    (r"\bdepuis\b", "since"), (r"\bil y a (\d{1,2}) ans\b", r"\1 years ago"),
    (r"\bil y a (\d{1,2}) mois\b", r"\1 months ago"), (r"\bil y a un an\b", "a year ago"),
    (rf"\bl{_AP}ann[ée]e derni[eè]re\b|\bl{_AP}an dernier\b", "last year"),
    (rf"\b(\d{{1,2}}) ans d{_AP}exp[ée]rience\b", r"\1 years experience"),
    (r"\bpendant (\d)", r"for \1"), (r"\bun an\b", "a year"), (r"\bans\b", "years"),
    (r"\bmois\b", "months"),
    (rf"\b(?:je suis|j{_AP}?suis) (?:compl[eè]tement |totalement )?d[ée]butante?\b",
     "i'm a beginner"),
    (r"\bd[ée]butante?s?\b", "beginner"), (r"\bje d[ée]bute\b", "i'm just starting"),
    (r"\binterm[ée]diaire\b", "intermediate"), (r"\bniveau avanc[ée]\b", "advanced"),
    (rf"\b(?:je )?n{_AP}ai jamais (?:fait|touch[ée]) (?:de |d{_AP}|[àa] la |une |un )?"
     r"(?:muscu(?:lation)?|poids|fonte|salle|halt[eè]res?|barre)\b", "i have never lifted"),
    (rf"\b(?:j{_AP}ai )?jamais (?:fait|touch[ée]) (?:de |d{_AP}|[àa] la |une |un )?"
     r"(?:muscu(?:lation)?|poids|fonte|salle|halt[eè]res?|barre)\b", "never lifted"),
    (rf"\b(?:je )?n{_AP}ai jamais fait de sport\b|\bjamais fait de sport\b",
     "i have never done sport"),
    (rf"\b(?:pas|aucune|z[ée]ro) d?{_AP}?exp[ée]rience\b", "no experience"),
    (r"\bexp[ée]rience\b", "experience"),
    (r"\bje reprends\b|\bla reprise\b", "getting back into training"),
    (r"\bapr[eè]s une (?:longue |grosse )?pause\b", "back from a break"),
    (r"\bmusculation\b|\bmuscu\b", "weight training"), (r"\bje fais du sport\b", "i exercise"),
    (rf"\bje m{_AP}entra[iî]ne\b|\bj{_AP}m{_AP}entra[iî]ne\b", "i train"),
    (rf"\b[ms]{_AP}entra[iî]ner\b|\bentra[iî]ner\b", "train"),
    (r"\bje lifte?\b", "i lift"), (r"\bjamais\b", "never"),
    # equipment and where
    (r"\b[àa] la salle(?: de (?:sport|muscu(?:lation)?|gym|fitness))?\b", "at the gym"),
    (r"\bsalle(?: de (?:sport|muscu(?:lation)?|gym|fitness))? compl[eè]te\b", "full gym"),
    (r"\bsalles? de (?:sport|muscu(?:lation)?|gym|fitness)\b", "gym"), (r"\bsalles?\b", "gym"),
    (r"\bbasic[- ]?fit\b|\bfitness park\b|\bkeep cool\b", "gym"),
    (r"\bbarres? de tractions?\b", "pull-up bar"), (r"\bbarres? parall[eè]les\b", "dip bars"),
    (r"\bbarre ez\b", "ez bar"), (r"\bbarre olympique\b", "olympic barbell"),
    (r"\bbarres?\b", "barbell"), (r"\bhalt[eè]res? r[ée]glables?\b", "adjustable dumbbells"),
    (rf"\bpaires? d{_AP}halt[eè]res\b", "pair of dumbbells"), (r"\bhalt[eè]res?\b", "dumbbells"),
    (rf"\bjusqu{_AP}[àa]\b", "up to"), (r"\bcage [àa] squat\b", "squat rack"),
    (r"\bbancs?\b", "bench"), (r"\bbandes? (?:[ée]lastiques?|de r[ée]sistance)\b", "bands"),
    (r"\b[ée]lastiques\b", "bands"), (r"\b[ée]lastique\b", "band"),
    (r"\btapis de course\b", "treadmill"), (r"\btapis(?! de course)(?: de (?:yoga|sol))?\b", "mat"),
    (rf"\bv[ée]lo d{_AP}appart(?:ement)?\b", "exercise bike"), (r"\bv[ée]lo\b", "bike"),
    (r"\brameur\b", "rower"), (r"\belliptique\b", "elliptical"),
    (r"\bpoulies?\b|\bvis[- ][àa][- ]vis\b", "cable machine"), (r"\banneaux\b", "rings"),
    (r"\bcorde [àa] sauter\b", "jump rope"), (r"\bgilet lest[ée]\b", "weight vest"),
    (r"\b(?:que|seulement|juste|uniquement)\s+(?:au |du |le )?bodyweight\b",
     "only bodyweight"),
    (r"\b(?:au|du|le) bodyweight\b", "bodyweight"),
    (r"\b(?:pas de|aucun|sans) mat[ée]riel\b", "no equipment"), (r"\bmat[ée]riel\b",
                                                                 "equipment"),
    (r"\b(?:des|mes|les) poids\b", "weights"), (r"\bpoids\b", "weight"),
    (r"\b[àa] la maison\b|\bchez moi\b|\b[àa] domicile\b", "at home"),
    (r"\bdans mon garage\b", "in my garage"), (r"\bdehors\b|\ben ext[ée]rieur\b", "outside"),
    (rf"\bc{_AP}est tout\b", "that's it"), (rf"\brien d{_AP}autre\b", "nothing else"),
    (r"\bque des\b", "only"), (r"\bque (?=weekends\b)", "only "),
    (r"\bseulement\b|\buniquement\b", "only"), (r"\bjuste\b", "just"),
    (r"(?<!y )\ba (?=des |un |une |plein )", "has "), (r"\bil y a\b", "there is"),
    # injuries
    (r"\b(?:pas de|aucune|z[ée]ro|jamais de) blessures?\b|\bpas bless[ée]e?\b", "no injuries"),
    (r"\bblessures\b", "injuries"), (r"\bblessure\b", "injury"), (r"\bbless[ée]e?\b", "injured"),
    (rf"\bj{_AP}?ai {_FR_HOW}mal {_FR_TO}{_EN_PART}\b", r"my \2 hurts \1"),
    (rf"\bmal {_FR_TO}{_EN_PART}\b", r"\1 pain"),
    (rf"\bdouleurs? {_FR_TO}{_EN_PART}\b", r"pain in my \1"),
    (rf"\bme fai[st] {_FR_HOW}mal\b", r"hurts \1"), (rf"\bme font {_FR_HOW}mal\b", r"hurt \1"),
    (rf"\b(?:ça|ca) (?:me )?fait {_FR_HOW}mal\b", r"it hurts \1"),
    (rf"\bfai[st] {_FR_HOW}mal\b", r"hurts \1"), (rf"\bj{_AP}?ai {_FR_HOW}mal\b", r"it hurts \1"),
    (r"\bdouleurs?\b", "pain"), (r"\bdouloureu(?:x|se)\b", "painful"),
    (r"\bg[eê]ne\b", "discomfort"), (r"\bme g[eê]ne\b", "bothers me"),
    (r"\btendinite\b", "tendinitis"), (r"\bentorse\b", "sprain"), (r"\bd[ée]chirure\b", "tear"),
    (r"\bhernie discale\b", "herniated disc"), (r"\bhernie\b", "hernia"),
    (r"\bsciatique\b", "sciatica"), (r"\bm[ée]nisque\b", "meniscus"),
    (r"\bligament crois[ée]\b|\blca\b", "acl"), (rf"\btendon d{_AP}achille\b", "achilles"),
    (r"\bcanal carpien\b", "carpal tunnel"),
    (r"\barthrose\b", "arthritis"), (r"\bop[ée]r[ée]e?\b", "had surgery"),
    (r"\bop[ée]ration\b", "surgery"), (r"\bprobl[eè]mes?\b", "problem"),
    (r"\bsoucis?\b", "issue"), (r"\braides?\b|\bbloqu[ée]e?\b", "stiff"),
    (r"\bfragile\b|\bfaible\b", "weak"), (r"\bcoinc[ée]e?\b", "pinched"),
    (r"\bsensible\b", "tender"), (r"\bcraquen?t?\b|\bcraquements?\b", "clicks"),
    (r"\b(?:rien de|pas) grave\b", "nothing serious"),
    (r"\b(?:ça|ca) va mieux\b|\bgu[ée]rie?\b", "fine now"), (r"\bun peu\b", "a bit"),
    (r"\bparfois\b|\bde temps en temps\b", "sometimes"), (r"\bencore\b", "still"),
    (rf"\b[ée]viter\b|\bj{_AP}[ée]vite\b", "avoid"),
    (r"\bsauts?\b|\bsauter\b", "jumping"),
    # schedule words
    (rf"\bje (?:ne )?peux pas\b|\bj{_AP}peux pas\b|\bje ne peux\b", "i can't"),
    (r"\bje peux\b", "i can"),
    (r"\b(?:je )?(?:ne )?(?:pourrai|pourrais|peux) (?:faire )?que\b", "i can only do"),
    (r"\bdispo(?:nible)?s?\b", "free"),
    (r"\bje (?:travaille|bosse)\b", "i work"), (r"\b(?:travail|taf|boulot)\b", "work"),
    (r"\boccup[ée]e?s?\b", "busy"),
    (r"\bpendant les (?:examens|exams|partiels|r[ée]visions)\b", "during exams"),
    (r"\bpendant les vacances\b", "during the holidays"), (r"\bpendant\b", "during"),
    # sessions done
    (rf"\bj{_AP}ai fait\b", "i did"), (rf"\bj{_AP}ai (?:fini|termin[ée])\b", "i finished"),
    (r"(?<!\w)(?<!jusqu['’])[àa]\s+(?=\d{1,3}(?:[.,]\d+)?\s?(?:kg|kilos?|lbs?)\b)", "at "),
    (rf"\bc{_AP}est fait\b", "done"),
    (r"\bje fai[st]\b", "i do"),
    (rf"(?<!je )(?<!j{_AP})(?<!tu )(?<!il )(?<!on )(?<!ça )(?<!ca )(?<!me )(?<!te )(?<!se )"
     rf"(?<!qui )(?<!elle )(?<!est )(?<!ai )(?<!jamais )\bfaite?s?\b"
     rf"(?!\s+(?:du|de|des|d{_AP}|un|une|le|la|les|que|partie|mal|ça|ca)\b)", "done"),
    (r"\b(?:fini|termin[ée])e?\b", "done"), (r"\bs[ée]ries\b", "sets"), (r"\bs[ée]rie\b", "set"),
    (r"\br[ée]p[ée]titions\b|\br[ée]p[ée]ts?\b|\br[ée]ps\b", "reps"),
    # the little words
    (rf"\bj{_AP}ai pas (?:de |d{_AP})", "i don't have "),
    (rf"\b(?:je )?n{_AP}ai pas (?:de |d{_AP})", "i don't have "),
    (r"\bpas de\b", "no"), (rf"\bpas d{_AP}", "no "), (r"\baucune?\b", "no"),
    (r"\brien\b", "nothing"),
    (r"\bpas vraiment\b", "not really"), (rf"\bni de\b|\bni d{_AP}", "and no "),
    (r"\bni\b", "nor"), (r"\bdonc\b", "so"), (r"\bpartout\b", "everywhere"), (r"\bfaire\b", "do"),
    (r"\bpas\b", "not"), (r"\bsauf\b", "except"),
    (r"\bet\b", "and"), (r"\bmais\b|\bpar contre\b", "but"), (r"\bsans\b", "without"),
    (r"\bavec\b", "with"), (r"\bavoir\b", "have"), (r"\bsinon\b", "otherwise"),
    (r"\bou\b", "or"), (r"\baussi\b", "also"),
    (r"\bdans\b", "in"), (r"\ben\b", "in"), (r"\bune?\b", "a"),
]
#: Last, once the phrases that hold them are read ("j'ai mal", "mon objectif c'est",
#: "améliorer mon squat"): "j'ai", "je", "mon", "ma", "mes" ("mon wed fri" is Monday).
_FR_LAST = [
    (rf"\bj{_AP}ai\b|(?-i:\bjai\b)", "i have"), (r"\bje\b", "i"),
    (r"\bmon\s+(?!(?:to|and|tue|wed|thu|fri|sat|sun|mar|mer|jeu|ven|sam|dim)\b)"
     r"(?=[^\W\d_])", "my "),
    (r"\b(?:ma|mes)\b", "my"),
]


GLOSSARY: Final[dict[str, list[Rule]]] = {
    "es": _rules([
        *_WEEKDAYS_ES,
        (r"\bme llamo\b", "my name is"), (r"\bmi nombre es\b", "my name is"),
        (r"\bmedia marat[oó]n\b", "half marathon"), (r"\bmarat[oó]n\b", "marathon"),
        (r"\bestoy preparando\b", "i'm training for"), (r"\bcorro\b", "i run"),
        (r"\ba[nñ]adir\b", "add"),
        (r"\btengo (\d{1,2}) a[nñ]os\b", r"i'm \1 years old"),
        (r"\bhace (?:como )?(\d+ )?a[nñ]os\b", r"\1years ago"),
        (r"\b(\d{1,2}) a[nñ]os\b", r"\1 years old"),
        (r"\bya est[aá] bien\b", "it's fine now"), (r"\bme romp[ií]\b", "i tore"),
        (r"\bestoy preparando\b", "i'm training for"), (r"\btodo\b", "everything"),
        (r"\bun poco\b", "a bit"), (r"\bnada grave\b", "nothing serious"),
        (r"\bd[ií]as? (?:a la|por) semana\b", "days a week"),
        (r"\bveces (?:a la|por) semana\b", "times a week"),
        (r"\ba la semana\b", "a week"), (r"\bpor semana\b", "a week"),
        (r"\bd[ií]as\b", "days"), (r"\bsemanas?\b", "week"),
        (r"\bminutos?\b", "minutes"), (r"\bhoras?\b", "hours"),
        (r"\bm[aá]s de (\d{1,3}) min(?:utes)? no tengo\b", r"\1 min max"),
        (r"\bm[aá]ximo\b", "max"),
        (r"\bdos mancuernas de\b", "2 dumbbells of"), (r"\bmancuernas?\b", "dumbbells"),
        (r"\b(\d) mancuernas de\b", r"\1 dumbbells of"), (r"\bcon las de (\d+)\b", r"(not \1)"),
        (r"\bpeso muerto rumano\b", "romanian deadlift"), (r"\bpeso muerto\b", "deadlift"),
        (r"\bsentadillas?\b", "squats"), (r"\bzancadas?\b", "lunges"),
        (r"\bbaj[eé] (?:el|la|los|las) (.+?) a\b", r"did \1 with"),
        (r"\bpesas\b", "weights"), (r"\bbarra ol[ií]mpica\b", "olympic barbell"),
        (r"\bgimnasio\b", "gym"), (r"\bel gym del building\b", "the building gym"),
        (r"\bm[aá]quinas\b", "machines"), (r"\bbarras\b", "barbells"),
        (r"\bnada m[aá]s\b", "that's it"), (r"\bs[oó]lo\b", "only"),
        (r"\bno tengo\b", "i don't have"), (r"\btengo\b", "i have"), (r"\ben casa\b", "at home"),
        (r"\bquiero\b", "i want"), (r"\bquer[ií]a\b", "wanted"),
        (r"\bbajar (?:unos |de peso |)\b", "lose "), (r"\bperder peso\b", "lose weight"),
        (r"\bme caso\b", "getting married"), (r"\bboda\b", "wedding"),
        (r"\bmedia marat[oó]n\b", "half marathon"), (r"\btirada larga\b", "long run"),
        (r"\bseries\b", "intervals"), (r"\bcorro\b", "i run"), (r"\bfuerza\b", "strength"),
        (r"\bpesas (?:casi nunca|nunca) he hecho\b", "never lifted"),
        (r"\bcasi nunca\b", "almost never"), (r"\bhe hecho\b", "have done"),
        (r"\bhice el de ayer hoy\b", "did yesterday's session today"),
        (r"\bnunca he hecho pesas\b", "never lifted"),
        (r"\bpesas en serio nunca\b", "never lifted seriously"),
        (r"\bme puedes mandar\b", "can you send"), (r"\bm[aá]ndamelo\b", "send it"),
        (r"\bm[aá]ndame\b", "send me"), (r"\bmandar\b", "send"),
        (r"\ba las (\d{1,2}(?::\d{2})?)\b", r"at \1"), (r"\bde la ma[nñ]ana\b", "am"),
        (r"\bde la tarde\b", "pm"), (r"\bpor la ma[nñ]ana\b", "in the morning"),
        (r"\b(\d{1,2})h\b", r"\1:00"),
        (r"\bma[nñ]ana\b", "tomorrow"), (r"\bhoy\b", "today"), (r"\bayer\b", "yesterday"),
        (r"\bhecho\b", "done"), (r"\blisto\b", "done"), (r"\bno pude\b", "couldn't do it"),
        (r"\blo hago\b", "i'll do it"), (r"\bhice\b", "did"),
        (r"\bpeso muerto rumano\b", "romanian deadlift"), (r"\bpeso muerto\b", "deadlift"),
        (r"\bsentadillas?\b", "squats"), (r"\bb[uú]lgaras\b", "bulgarian split squats"),
        (r"\bflexiones\b", "push-ups"), (r"\bdominadas\b", "pull-ups"),
        (r"\brodilla izquierda\b", "left knee"), (r"\brodilla derecha\b", "right knee"),
        (r"\brodilla\b", "knee"), (r"\bespalda\b", "back"), (r"\bhombro\b", "shoulder"),
        (r"\btobillo\b", "ankle"), (r"\bcadera\b", "hip"), (r"\bmu[nñ]eca\b", "wrist"),
        (r"\bmenisco\b", "meniscus"), (r"\bcintilla iliotibial\b", "itb"),
        (r"\bme molesta(?:n)?\b", "bothers me"), (r"\bme duele(?:n)?\b", "hurts"),
        (r"\bmolestan\b", "bother"), (r"\blesi[oó]n\b", "injury"),
        (r"\bprofundos\b", "deep"), (r"\blunges profundos\b", "deep lunges"),
        (r"\bpero\b", "but"), (r"\by\b", "and"), (r"\bcon\b", "with"), (r"\bsin\b", "without"),
        (r"\bnunca\b", "never"), (r"\bsoy\b", "i'm"), (r"\bporfa(?:vor)?\b", "please"),
        (r"\bpor favor\b", "please"),
    ]),
    "pt": _rules([
        (r"\bsegunda(?:-feira)?\b", "monday"), (r"\bter[cç]a(?:-feira)?\b", "tuesday"),
        (r"\bquarta(?:-feira)?\b", "wednesday"), (r"\bquinta(?:-feira)?\b", "thursday"),
        (r"\bsexta(?:-feira)?\b", "friday"), (r"\bs[aá]bados?\b", "saturday"),
        (r"\bdomingos?\b", "sunday"),
        (r"\bmeu nome [eé]\b", "my name is"),
        (r"\btenho (\d{1,2}) anos\b", r"i'm \1 years old"),
        (r"\btive minha filha h[aá] (\d+) meses\b", r"had my baby \1 months ago"),
        (r"\btive (?:meu|minha) (?:filh[oa]|beb[eê]) h[aá] (\d+) meses\b",
         r"had my baby \1 months ago"),
        (r"\b(\d)x por semana\b", r"\1 times a week"), (r"\bpor semana\b", "a week"),
        (r"\bdias\b", "days"), (r"\bsemanas?\b", "week"), (r"\bminutos?\b", "minutes"),
        (r"\bno m[aá]ximo\b", "max"), (r"\bhalteres\b", "dumbbells"),
        (r"\bel[aá]sticos\b", "bands"), (r"\bem casa\b", "at home"),
        (r"\bs[oó] isso\b", "that's it"), (r"\btenho\b", "i have"), (r"\bquero\b", "i want"),
        (r"\bvoltar a ficar em forma\b", "get back in shape"),
        (r"\bemagrecer\b", "lose weight"), (r"\bperder peso\b", "lose weight"),
        (r"\bbarriga\b", "belly"), (r"\bpode mandar\b", "can you send"),
        (r"\bo treino\b", "the workout"), (r"\bde manh[aã]\b", "in the morning"),
        (r"\btipo\b", "like"), (r"\b(\d{1,2})h\b", r"\1:00"),
        (r"\bqualquer dia menos\b", "any day except"), (r"\bmenos\b", "except"),
        (r"\bhoje\b", "today"), (r"\bfeito\b", "done"), (r"\bfiz hoje\b", "did it today"),
        (r"\bhoje n[aã]o deu\b", "couldn't do it today"),
        (r"\bposso fazer amanh[aã]\b", "can i do it tomorrow"),
        (r"\bamanh[aã]\b", "tomorrow"), (r"\bagachamento\b", "squat"),
        (r"\bmuscula[cç][aã]o\b", "weight training"), (r"\bpilates\b", "pilates"),
        (r"\bantes da gravidez\b", "before pregnancy"), (r"\buns (\d+) anos\b", r"\1 years"),
        (r"\bcom\b", "with"), (r"\bmas\b", "but"), (r"\bn[aã]o\b", "not"), (r"\be\b", "and"),
        (r"\beu fazia\b", "i did"), (r"\bminha amiga\b", "my friend"),
        (r"\bsou a\b|\bsou o\b", "i'm"), (r"\bpodes mandar\b", "can you send"),
        (r"\bvoltar a (?:estar|ficar) em forma\b", "get back in shape"),
        (r"\bfazer a minha primeira\b", "do my first"), (r"\ba minha primeira\b", "my first"),
        (r"\bnunca fiz nenhuma\b", "never done one"), (r"\bsonho\b", "dream"),
        (r"\bo meu sogro\b|\ba minha sogra\b", "my father-in-law"),
        (r"\bgaragem\b", "garage"), (r"\bbanco\b", "bench"), (r"\btem\b", "has"),
        (r"\b[àa]s (\d{1,2})h(\d{2})\b", r"at \1:\2"), (r"\b[àa]s (\d{1,2})h\b", r"at \1:00"),
        (r"\b(\d{1,2})h(\d{2})\b", r"\1:\2"),
        (r"\bsegundas\b", "mondays"), (r"\bsextas\b", "fridays"), (r"\bter[cç]as\b", "tuesdays"),
        (r"\bquartas\b", "wednesdays"), (r"\bquintas\b", "thursdays"),
        (r",? esquece\b", " are out"), (r"\bcorrijo os dias\b", "correction, the days"),
        (r"\bflex[õo]es de joelhos?\b", "knee push-ups"), (r"\bflex[õo]es\b", "push-ups"),
        (r"\bprancha\b", "plank"), (r"\bpontes?\b", "glute bridge"),
        (r"\bespera\b", "wait"), (r"\bantes de(?:las| eles| elas)? acordarem\b",
                                   "before they wake up"),
    ]),
    "it": _rules([
        (r"\bluned[iì]\b", "monday"), (r"\bmarted[iì]\b", "tuesday"),
        (r"\bmercoled[iì]\b", "wednesday"), (r"\bgioved[iì]\b", "thursday"),
        (r"\bvenerd[iì]\b", "friday"), (r"\bsabato\b", "saturday"), (r"\bdomenica\b", "sunday"),
        (r"\blun-ven\b", "mon-fri"), (r"\blun\b", "mon"), (r"\bven\b", "fri"),
        # "non so quanto sono forti" (how strong they are): "sono" is "I am" only leading
        (r"\b(?:quanto|come|che|chi|dove) sono\b", "they are"),
        (r"\bsono\b", "i'm"), (r"\b(\d{1,2}) anni\b", r"\1 years old"),
        (r"\bsbarra (?:da porta|per (?:le )?trazioni)\b", "doorframe pull-up bar"),
        (r"\bsbarra\b", "pull-up bar"), (r"\btrazion[ei]\b", "pull-ups"),
        (r"\belastici\b", "resistance bands"), (r"\bmanubri\b", "dumbbells"),
        (r"\bgomito\b", "elbow"), (r"\bginocchio\b", "knee"),
        (r"\bmal di schiena\b", "back ache"), (r"\bschiena\b", "back"),
        (r"\binfortuni no\b", "no injuries"), (r"\bnessun infortunio\b", "no injuries"),
        (r"\binfortuni[oi]?\b", "injuries"), (r"\bla sera\b", "in the evening"),
        (r"\bla mattina\b", "in the morning"), (r"\bdopo le\b", "after"),
        (r"\bmar\b", "tue"), (r"\bmer\b", "wed"), (r"\bgio\b", "thu"),
        (r"\b(?:è|e') (?:un po' )?strano\b", "feels off"), (r"\bdestr[oa]\b", "right"),
        (r"\bsinistr[oa]\b", "left"), (r"\bfa male\b", "hurts"),
        (r"\bvorrei fare\b", "i want to do"), (r"\bvorrei\b", "i want"),
        (r"\balmeno (?:una|un|uno)\b", "one"), (r"\balmeno\b", "at least"),
        (r"\bentro l'estate\b", "by summer"),
        (r"\bsab\b", "sat"), (r"\bdom\b", "sun"), (r"\bverso le\b", "around"),
        (r"\btipo\b", "like"),
        (r"\b(\d) giorni\b", r"\1 days"), (r"\bgiorni\b", "days"), (r"\bsettimana\b", "week"),
        (r"\bpalestra completa\b", "full gym"), (r"\bpalestra\b", "gym"),
        (r"\bposso andare\b", "i can go"), (r"\bcirca\b", "about"), (r"\bminuti\b", "minutes"),
        (r"\bvoglio\b", "i want"), (r"\bmettere su massa\b", "build muscle"),
        (r"\bspalla destra\b", "right shoulder"), (r"\bspalla sinistra\b", "left shoulder"),
        (r"\bspalla\b", "shoulder"), (r"\bmi fa male\b", "hurts"),
        (r"\bla spalla un po' fastidiosa\b", "the shoulder a bit irritated"),
        (r"\besperienza\b", "experience"), (r"\bsenza\b", "without"),
        (r"\bvado in palestra da anni\b", "been training for years"),
        (r"\bpanca\b", "bench"), (r"\bpi[uù] o meno\b", "roughly"),
        (r"\bil messaggio mandalo\b", "send the message"), (r"\bmandalo\b", "send it"),
        (r"\balle\b", "at"), (r"\bper favore\b", "please"), (r"\bfatto\b", "done"),
        (r"\boggi\b", "today"), (r"\bgambe\b", "legs"), (r"\bpetto\b", "chest"),
        (r"\binvece della\b", "instead of the"), (r"\binvece\b", "instead"),
        (r"\bbasta messaggi\b", "stop messages"), (r"(\d+x\d+)\s+a\s+(\d+)", r"\1 @ \2"),
        (r"\bleggere\b", "light"),
        (r"\bpi[uù] leggero\b", "lighter"), (r"\bho\b", "i have"), (r"\be\b", "and"),
        (r"\bma\b", "but"),
    ]),
    "de": _rules([
        # A "TEP" (Totalendoprothese) is a joint replacement: what a coach must know first.
        (r"\bh[uü]ft-?tep\b|\bh[uü]ftprothese\b|\bk[uü]nstliche h[uü]fte\b|"
         r"\bneue h[uü]fte\b", "hip replacement"),
        (r"\bknie-?tep\b|\bknieprothese\b|\bk[uü]nstliches knie\b", "knee replacement"),
        (r"\bverletzungen\b", "injuries"), (r"\bh[uü]fte\b", "hip"), (r"\bknie\b", "knee"),
        (r"\bleiste\b", "groin"), (r"\br[uü]cken\b", "back"), (r"\bknackt\b", "clicks"),
        (r"\bjoggen\b", "jogging"), (r"\blaufen\b", "running"), (r"\bradfahren\b", "cycling"),
        (r"\bmontags?\b", "monday"), (r"\bdienstags?\b", "tuesday"),
        (r"\bmittwochs?\b", "wednesday"), (r"\bdonnerstags?\b", "thursday"),
        (r"\bfreitags?\b", "friday"), (r"\bsamstags?\b", "saturday"),
        (r"\bsonntags?\b", "sunday"),
        (r"\bDi\b", "tuesday"), (r"\bMi\b", "wednesday"), (r"\bDo\b", "thursday"),
        (r"\bpro woche\b", "a week"), (r"\bwoche\b", "week"), (r"\btage\b", "days"),
        (r"\b(\d{1,2})[.:](\d{2}) uhr\b", r"\1:\2"), (r"\b(\d{1,2}) uhr\b", r"\1:00"),
        (r"\bbin (\d{1,2})\b", r"i'm \1"), (r"\bjahren?\b", "years"),
        (r"\bklettere\b", "climb"), (r"\bklettern\b", "climbing"),
        (r"\babends\b", "evenings"), (r"\bam tag davor\b", "the day before"),
        (r"\bnicht\b", "not"), (r"\bkurzhanteln\b", "dumbbells"),
        (r"\blanghantel\b", "barbell"), (r"\bkabelzug\b", "cable machine"),
        (r"\bklimmzugstange\b", "pull-up bar"), (r"\bklimmz[uü]ge\b", "pull-ups"),
        (r"\bsaubere\b", "strict"), (r"\bnormales fitnessstudio\b", "regular gym"),
        (r"\bfitnessstudio\b", "gym"), (r"\bich will\b", "i want"),
        (r"\bmehr zugkraft\b", "more pulling strength"),
        (r"\bstabilere schultern\b", "stronger shoulders"), (r"\bschultern?\b", "shoulder"),
        (r"\bverletzung\b", "injury"), (r"\bringbandverletzung\b", "pulley injury"),
        (r"\bkannst du mir das workout um\b", "can you send me the workout at"),
        (r"\bschicken\b", "send"), (r"\bum (\d)", r"at \1"), (r"\bheute\b", "today"),
        (r"\bgemacht\b", "done"), (r"\berledigt\b", "done"), (r"\bich\b", "i"),
        (r"\bletztes jahr\b", "last year"), (r"\bhatte\b", "had"), (r"\bich bin\b", "i'm"),
        (r"\bim\b", "in the"), (r"\bbei uns\b", "at our place"),
        (r"\bjetzt\b", "now"), (r"\bwieder (?:ok|okay|gut|fit)\b", "fine again"),
        (r"\bist\b", "is"), (r"\bwar\b", "was"), (r"\bkein(?:e|en)?\b", "no"),
        (r"\bund\b", "and"), (r"\baber\b", "but"), (r"\bmit\b", "with"),
        (r"\bmeine?\b", "my"), (r"\bfreund\b", "boyfriend"), (r"\bmal\b", "times"),
        (r"\b(\d)x pro woche\b", r"\1 times a week"), (r"\bso (\d)", r"about \1"),
    ]),
    "ja": _rules([
        (r"\basa (\d{1,2})ji(?: ni)?\b", r"at \1am"), (r"\b(\d{1,2})ji(?: ni)?\b", r"at \1:00"),
        (r"\bsore dake\b", "that's it"), (r"\bdesu\b", ""), (r"\bitai\b", "it hurts"),
        (r"\bkonnichiwa\b", "hi"), (r"\botsukare\b", ""), (r"\byokatta\b", ""),
        (r"\bchotto shinpai\b", "a bit worried"),
    ]),
    "fr": [*_rules(_FR_NUMBER_RULES), *_rules(_FR_BODY_RULES), *_rules(_FR_RULES),
           *_rules(_FR_LAST)],
}


def languages(text: str) -> list[str]:
    """The languages besides English a text shows: two marker words, or one for Japanese, or
    one of a language's unmistakable words."""
    found = []
    for language, pattern in _MARKERS.items():
        hits = {m.group(0).lower() for m in pattern.finditer(text)}
        strong = _STRONG.get(language)
        if len(hits) >= (1 if language == "ja" else 2) or (strong and strong.search(text)):
            found.append(language)
    return found


def translate(text: str, spoken: Sequence[str] | None = None) -> str:
    """``text`` with the glossary words of the languages it shows (or ``spoken``, those of
    the whole turn) put into English."""
    for language in dict.fromkeys([*(spoken or []), *languages(text)]):
        for pattern, english in GLOSSARY[language]:
            text = pattern.sub(english, text)
    return text
