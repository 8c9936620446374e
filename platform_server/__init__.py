"""A reference community platform that implements the head unit's sync API.

It serves the API described by ``openapi.json`` beside this file, for
bench tests, demos and integrator labs. It never imports the head-unit
packages: it is a peer that the head unit reaches over HTTP only.
"""
