"""The encoder student: a small sentence encoder with heads for tool choice and arguments.

``heads`` says what the student predicts and turns its outputs into calls resolved against
the world (no torch); ``model`` is the torch module and its files; ``train`` fits it to teacher
cases; ``compress`` makes int8 and pruned variants. The brain is ``edgeagent.brains.encoder``.
"""
