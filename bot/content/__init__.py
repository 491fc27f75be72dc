"""Content as data: the text catalog, flow files and static data, loaded and checked."""
