"""The coach's domain: typed facts and pure rules, shared by every layer above.

Nothing here touches the database, a provider or the clock by itself: profiles and what an
athlete said about themselves, plans and workouts, onboarding (what is known, what to ask,
when to plan), safety screening and the sending windows are plain functions of their inputs,
so the LLM path and the offline path go through exactly the same decisions.
"""
