"""What a partnership document says: the model, reading and checking documents, fingerprints."""
