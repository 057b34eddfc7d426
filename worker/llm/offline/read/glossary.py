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
                     r"tive|barriga|kkk+|muito)\b", _I),
    "it": re.compile(r"\b(?:voglio|posso|giorni|settimana|palestra|sono|anni|luned[iì]|"
                     r"marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|spalla|mi fa male|alle|"
                     r"per favore|basta|fatto|oggi|gambe|domanda|invece|esperienza|buonasera|"
                     r"grazie|ciao|circa|petto|panca|messaggio|mandalo)\b", _I),
    "de": re.compile(r"\b(?:ich|bin|will|woche|pro|tage|uhr|klimmz[uü]ge|kurzhanteln|"
                     r"langhantel|kabelzug|mein|meine|montag|dienstag|mittwoch|donnerstag|"
                     r"freitag|samstag|sonntag|abends|heute|gemacht|nicht|und|aber|mit|"
                     r"fitnessstudio|kannst|schicken|klettere|servus|hallo|danke|hat|sich|"
                     r"ein|eine|bei|uns|jetzt|ist|das|der|die|auch|noch|schon|gekauft)\b", _I),
    "ja": re.compile(r"\b(?:desu|konnichiwa|arigatou|otsukare|itai|dake|shinpai|yokatta|"
                     r"\d{1,2}ji|asa)\b", _I),
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
    ]),
    "it": _rules([
        (r"\bluned[iì]\b", "monday"), (r"\bmarted[iì]\b", "tuesday"),
        (r"\bmercoled[iì]\b", "wednesday"), (r"\bgioved[iì]\b", "thursday"),
        (r"\bvenerd[iì]\b", "friday"), (r"\bsabato\b", "saturday"), (r"\bdomenica\b", "sunday"),
        (r"\blun-ven\b", "mon-fri"), (r"\blun\b", "mon"), (r"\bven\b", "fri"),
        (r"\bsono\b", "i'm"), (r"\b(\d{1,2}) anni\b", r"\1 years old"),
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
}


def languages(text: str) -> list[str]:
    """The languages besides English a text shows: two marker words, or one for Japanese."""
    found = []
    for language, pattern in _MARKERS.items():
        hits = {m.group(0).lower() for m in pattern.finditer(text)}
        if len(hits) >= (1 if language == "ja" else 2):
            found.append(language)
    return found


def translate(text: str, spoken: Sequence[str] | None = None) -> str:
    """``text`` with the glossary words of the languages it shows (or ``spoken``, those of
    the whole turn) put into English."""
    for language in dict.fromkeys([*(spoken or []), *languages(text)]):
        for pattern, english in GLOSSARY[language]:
            text = pattern.sub(english, text)
    return text
