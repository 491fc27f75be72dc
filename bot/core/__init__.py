"""The coaching core: routes an input to the engine and says what to store and reply."""
