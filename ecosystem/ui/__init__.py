"""The web app's component ids and component builders."""
