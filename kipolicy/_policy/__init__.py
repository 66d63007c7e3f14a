"""The policy text and the words it is read with: vocabularies, interpretations, the message catalogue."""
