"""Progress photos by MMS: the media a text carries, fetched, stripped and kept.

The webhook only records the media references (:mod:`.media`) with the text; the athlete's turn
fetches each one with Twilio's credentials (:mod:`.fetch`), decodes and re-encodes it without any
metadata (:mod:`.image`), writes it to the configured store (:mod:`.store`) and records a
``progress_photos`` row (:mod:`.save`). Deleting ("delete my photos") is a soft delete and a job
that removes the bytes.
"""
