"""French athletes: their texts put into English by the glossary, then read like any other.

The texts are written the way students and lifters text: franglais, missing accents, both
apostrophes, emoji, several facts at once. The French list must never touch an English,
Spanish or Portuguese text, so the marker is checked on those too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from worker.domain.vocabulary import GYM_EQUIPMENT
from worker.llm.offline.read.glossary import languages, translate
from worker.llm.offline.read.profile import read_profile
from worker.llm.offline.read.text import clean_text, prepare, turn_languages

TODAY = date(2026, 3, 10)
GYM = sorted(GYM_EQUIPMENT)


def read(*texts: str) -> dict[str, Any]:
    """The facts read from one turn's texts, as plain data without the empty fields."""
    return read_profile(list(texts), today=TODAY).model_dump(exclude_none=True)


def english(text: str) -> str:
    """A text of a French turn put into English, spaces (where emoji were) squeezed."""
    return " ".join(translate(clean_text(text), ["fr"]).split())


def areas(found: dict[str, Any]) -> list[str]:
    return [injury["area"] for injury in found.get("injuries", [])]


# --- Whole texts, several facts each --------------------------------------------------------------

def test_a_new_member_says_it_all_in_one_text() -> None:
    found = read("Salut coach! moi c'est Léa 😊 je veux prendre du muscle, surtout les jambes. "
                 "dispo 4 jours/semaine : lundi, mardi, jeudi et samedi. salle de sport "
                 "complète (basic fit). pas de blessure 🙏")
    assert found["name"] == "Léa"
    assert found["primary_goal"] == "hypertrophy"
    assert found["days_per_week"] == 4
    assert found["training_days"] == [1, 2, 4, 6]
    assert found["equipment"] == GYM
    assert found["training_location"] == "gym"
    assert found["injuries"] == []


def test_a_beginner_at_home_without_accents() -> None:
    found = read("jsuis débutante, jamais touché une barre de ma vie lol. a la maison j'ai 2 "
                 "halteres de 8kg, des élastiques et un tapis, c'est tout. 30 min max par "
                 "seance stp")
    assert found["experience"] == "beginner"
    assert found["equipment"] == ["bands", "dumbbell"]
    assert found["equipment_only"] is True
    assert found["training_location"] == "home"
    assert found["session_minutes"] == 30
    assert [(c["equipment"], c["max_load"], c["unit"]) for c in found["load_caps"]] == [
        ("dumbbell", 8.0, "kg")]


def test_pain_said_the_french_way_round() -> None:
    found = read("j’ai mal au bas du dos depuis 3 mois, et l'epaule droite me fait un peu mal "
                 "au développé militaire. Sinon je m'entraine depuis 6 ans, 3x par semaine, "
                 "séances d'1h")
    assert areas(found)[:2] == ["lower_back", "shoulder"]
    shoulder = found["injuries"][1]
    assert shoulder["status"] == "current" and shoulder["severity"] == "mild"
    assert "overhead press" in shoulder["avoid"]
    assert found["experience"] == "advanced"
    assert found["training_years"] == 6.0
    assert found["days_per_week"] == 3
    assert found["session_minutes"] == 60


def test_pain_since_last_year_is_still_pain() -> None:
    found = read("j'ai mal au dos depuis l'an dernier, surtout au soulevé de terre")
    assert [(i["area"], i["status"]) for i in found["injuries"]] == [("lower_back", "current")]


def test_weekdays_but_one_and_a_morning_text() -> None:
    found = read("dispo en semaine sauf le mercredi (je bosse tard), jamais le week-end. "
                 "envoie-moi la séance à 6h45 le matin svp 🙏")
    assert found["training_days"] == [1, 2, 4, 5]
    assert found["excluded_days"] == [3, 6, 7]
    assert found["days_per_week"] == 4
    assert found["send_time"] == "06:45"


def test_rugby_strength_no_legs_before_the_match_and_an_evening_text() -> None:
    found = read("Bonsoir! je voudrais être plus fort pour le rugby 🏉 2 fois par semaine, "
                 "1h30 max. Pas de jambes le vendredi, j'ai match le samedi. Tu peux "
                 "m'envoyer le programme vers 19h?")
    assert found["primary_goal"] == "strength"
    assert found["days_per_week"] == 2
    assert found["session_minutes"] == 90
    # "no legs on Friday" says what Friday holds; the match day is the one off lifting
    assert found["excluded_days"] == [6]
    assert found["activities"] == [{"weekday": 6, "what": "match", "hard": True}]
    assert found["send_time"] == "19:00"


def test_franglais_over_several_texts() -> None:
    found = read("hello coach, je lift depuis 2 ans",
                 "goal = plus gros squat et perdre un peu de gras",
                 "gym à côté du taf avec racks, barres, haltères jusqu'à 40kg",
                 "genou gauche un peu fragile quand je cours")
    assert found["experience"] == "intermediate"
    assert found["training_years"] == 2.0
    # the goal named first: "a bigger squat"
    assert found["primary_goal"] == "strength"
    assert found["equipment"] == ["barbell", "dumbbell", "squat_rack"]
    assert found["training_location"] == "gym"
    assert found["load_caps"] == [{"equipment": "dumbbell", "max_load": 40.0, "unit": "kg"}]
    assert areas(found) == ["knee"]
    assert found["injuries"][0]["note"] == "left knee a bit weak when i run"
    assert found["injuries"][0]["severity"] == "mild"


def test_every_saturday_plus_two_evenings_and_a_day_off() -> None:
    found = read("tous les samedis + mardi et jeudi soir, 45 min. pas le dimanche c'est famille")
    assert found["training_days"] == [2, 4, 6]
    assert found["excluded_days"] == [7]
    assert found["days_per_week"] == 3
    assert found["session_minutes"] == 45


def test_short_day_names_in_a_list_and_an_old_injury() -> None:
    found = read("3 séances/sem lun mer ven, 1h max, salle de muscu. blessure à l'épaule gauche "
                 "l'an dernier mais ça va mieux")
    assert found["days_per_week"] == 3
    assert found["training_days"] == [1, 3, 5]
    assert found["session_minutes"] == 60
    assert found["equipment"] == GYM
    assert [(i["area"], i["status"]) for i in found["injuries"]] == [("shoulder", "past")]


def test_a_span_of_short_day_names_and_a_clicking_knee() -> None:
    found = read("dispo du lun au ven le soir, 1h max, mon genou droit craque un peu")
    assert found["training_days"] == [1, 2, 3, 4, 5]
    assert found["session_minutes"] == 60
    assert [(i["area"], i["severity"]) for i in found["injuries"]] == [("knee", "mild")]


def test_a_name_before_the_short_day_names_stays_a_name() -> None:
    found = read("Salut, moi c'est Sam, lun mer ven ça me va, 45 min")
    assert found["name"] == "Sam"
    assert found["training_days"] == [1, 3, 5]
    assert found["session_minutes"] == 45


def test_a_student_introduces_himself_with_a_weight_target() -> None:
    found = read("salut, je suis Tom, j'ai 19 ans, étudiant. je veux perdre 8 kilos avant l'été")
    assert found["name"] == "Tom"
    assert found["age"] == 19
    assert found["primary_goal"] == "fat_loss"
    assert found["targets"] == [{"what": "body weight", "value": -8.0, "unit": "kg",
                                 "change": True, "by": "2026-06-21"}]


def test_a_goal_said_with_mon_objectif() -> None:
    found = read("mon objectif c'est de perdre du poids pour mon mariage en juin")
    assert found["primary_goal"] == "fat_loss"
    assert "training_days" not in found  # "mon" is "my" here, not Monday
    assert read("mon but c'est d'améliorer mon squat")["primary_goal"] == "strength"


def test_kit_they_do_not_have() -> None:
    found = read("pas de rack ni de barre chez moi, juste des kettlebells et une barre de "
                 "traction")
    assert found["equipment"] == ["kettlebell", "pull_up_bar"]
    assert found["equipment_only"] is True
    assert sorted(found["equipment_removed"]) == ["barbell", "squat_rack"]


def test_a_runner_with_key_sessions_and_no_injuries() -> None:
    found = read("aucune blessure, je cours le dimanche (sortie longue) et fractionné le mardi")
    assert found["injuries"] == []
    assert found["activities"] == [{"weekday": 7, "what": "long run", "hard": True},
                                   {"weekday": 2, "what": "intervals", "hard": True}]


def test_working_days_said_first() -> None:
    found = read("du lundi au vendredi je bosse, donc le week-end seulement")
    assert found["training_days"] == [6, 7]
    assert found["excluded_days"] == [1, 2, 3, 4, 5]
    assert found["days_per_week"] == 2


@pytest.mark.parametrize(
    ("text", "send_time"),
    [
        ("envoie à 7h stp", "07:00"),
        ("tu peux envoyer à 8h30 stp", "08:30"),
        ("envoie-moi ça à 18h merci", "18:00"),
        ("le message à 7h du matin c'est parfait", "07:00"),
        ("le soir vers 8h ça me va, envoie le programme", "20:00"),
        ("Je m'entraîne à 6h avant le taf, envoie le message à 5h30", "05:30"),
    ],
)
def test_french_clock_times_for_the_daily_text(text: str, send_time: str) -> None:
    assert read(text)["send_time"] == send_time


# --- The glossary itself --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("squat fait ✅", "squat done."),
        ("séance faite 💪", "session done"),
        ("je suis mort 😵 pendant les exams", "i am exhausted during exams"),
        ("je veux un plus gros squat", "i want a bigger squat"),
        ("je veux être plus forte", "i want be stronger"),
        ("je veux prendre du muscle", "i want build muscle"),
        ("je veux maigrir", "i want lose weight"),
        ("j'ai mal au genou", "my knee hurts"),
        ("j’ai un peu mal à l’épaule gauche", "my left shoulder hurts a bit"),
        ("mon genou me fait mal", "my knee hurts"),
        ("je lifte depuis 3 ans", "i have been lifting for 3 years"),
        ("je m'entraîne depuis deux ans", "i have been lifting for 2 years"),
        ("trois jours par semaine", "3 days a week"),
        ("4 fois/semaine", "4 times a week"),
        ("une fois par semaine le dimanche", "once a week on sunday"),
        ("tous les samedis", "every saturday"),
        ("les lundis et jeudis", "mondays and thursdays"),
        ("pas de jambes le vendredi", "no legs on friday"),
        ("tapis de course et tapis de yoga", "treadmill and mat"),
        ("salle de muscu avec haltères, barres et racks", "gym with dumbbells, barbell and racks"),
        ("je suis débutant, jamais fait de muscu", "i'm a beginner, never lifted"),
        ("séances de 45 min le soir", "sessions de 45 min in the evening"),
        ("une heure et demie le matin", "an hour and a half in the morning"),
        ("envoie-moi la séance à 7h30", "send me la session at 7:30"),
        ("4 séries de 8 répétitions", "4 sets de 8 reps"),
        ("sans sauts, mais avec élastiques", "without jumping, but with bands"),
    ],
)
def test_the_words_that_carry_training_facts(text: str, said: str) -> None:
    assert english(text).strip() == said


def test_a_short_french_text_is_read_in_french() -> None:
    assert prepare("squat fait ✅", turn_languages(["squat fait ✅"])).strip() == "squat done."
    assert read("tous les samedis et dimanches")["training_days"] == [6, 7]


def test_a_session_length_is_not_a_clock_time() -> None:
    assert english("séances d'1h30 max, envoie à 1h30") == "sessions d'90 min max, send at 1:30"


# --- Which texts are French -----------------------------------------------------------------------

FRENCH = [
    "je veux 3 jours par semaine",
    "j’ai mal au genou",
    "squat fait ✅",
    "dispo lundi et jeudi",
    "salle de sport avec haltères",
    "pas de blessure, merci",
    "jsuis débutante, a la maison j'ai 2 halteres",
    "mon objectif c'est de perdre du poids pour mon mariage en juin",
]

NOT_FRENCH = [
    "I want to get stronger, 3 days a week, bad knee, send it at 7am",
    "merci! done with squats, sans the jumps lol",
    "bonjour coach, 4 days a week works, no injuries",
    "salut! I'm Sam, I lift at the gym mon wed fri",
    "seance? lol no. just did 5x5 squats at 100kg",
    "Can u text me at 6:30? merci beaucoup",
    "c'est la vie, did squats anyway. my foot is fine",
    "That was a faux pas, my back is fine. Pas de deux at ballet class tues",
    "that was a fait accompli, squats are done",
    "Mardi Gras this weekend so no lifting, back monday",
    "Hola! soy Ana, quiero ponerme fuerte, 3 días a la semana, lunes miércoles y viernes",
    "tengo dos mancuernas de 10 kg y me duele la rodilla, pero nada grave",
    "Oi! quero emagrecer mais, treino 3x por semana, tenho halteres e elásticos em casa",
    "meu nome é João, tenho 35 anos, quero ficar mais forte, dor nos joelhos dos treinos",
    "Voglio mettere su massa, 4 giorni a settimana, palestra completa",
    "Ich will stärker werden, 3 Tage pro Woche, je nach Schicht",
]


@pytest.mark.parametrize("text", FRENCH)
def test_french_is_marked_french_and_nothing_else(text: str) -> None:
    assert languages(clean_text(text)) == ["fr"]
    assert turn_languages([text]) == ["fr"]


@pytest.mark.parametrize("text", NOT_FRENCH)
def test_other_texts_are_never_marked_french(text: str) -> None:
    assert "fr" not in turn_languages([text])


@pytest.mark.parametrize("text", NOT_FRENCH[:9])
def test_english_texts_are_left_as_they_were(text: str) -> None:
    assert prepare(text, turn_languages([text])) == prepare(text, [])


def test_a_match_result_and_a_question_about_rir() -> None:
    from worker.llm.offline.logparse import parse_log
    from worker.llm.offline.read.text import prepare, turn_languages

    text = "on a gagné 2-1!!! mais jambes mortes 😵"
    english = prepare(text, turn_languages([text]))
    assert "legs are dead" in english and not parse_log(english).is_log
    question = "c'est quoi RIR?? genre reps in reserve?"
    assert prepare(question, turn_languages([question])).startswith("what is RIR")
