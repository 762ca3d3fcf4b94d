"""The audit trail's recorder (core): every create, update and delete of the models that ask for it.

It knows no area: a model joins the trail by declaring class attributes (see recorder.py), and the audit area
(facilities/audit/) turns the recording on for an app and reads the trail back (history page, audit API).
"""
