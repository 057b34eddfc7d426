"""Reading athletes' texts with rules: the offline provider's language layer.

Each module reads one kind of fact (names, goals, schedule, equipment, the body, experience
and numbers, times) from sentences prepared by :mod:`.text`; :mod:`.profile` assembles them
into the :class:`~worker.domain.profile.ProfileUpdate` a model would answer. Nothing here
decides what a fact means for the athlete's profile or plan: that is the domain's job.
"""
